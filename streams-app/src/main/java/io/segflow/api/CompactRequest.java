package io.segflow.api;

import io.segflow.collection.CollectionException;
import io.segflow.compaction.ManualCompaction;
import io.segflow.schema.CompactionType;

import java.util.Arrays;
import java.util.List;

/** The body of {@code POST /collections/C/compact}: every field but {@code type} may be left out. */
public record CompactRequest(String type, String partition, Integer channel, List<Long> segments, Long targetSize, Boolean dryRun) {

    ManualCompaction toManual() {
        CompactionType parsed = Arrays.stream(CompactionType.values()).filter(t -> t.name().equalsIgnoreCase(String.valueOf(type)))
                .findFirst().orElseThrow(() -> new CollectionException(CollectionException.Kind.INVALID,
                        "type must be one of " + Arrays.toString(CompactionType.values()) + ", not " + type));
        if (targetSize != null && targetSize < 0) {
            throw new CollectionException(CollectionException.Kind.INVALID, "targetSize must not be negative");
        }
        return new ManualCompaction(null, parsed, partition, channel, segments == null ? List.of() : segments,
                targetSize == null ? 0 : targetSize, Boolean.TRUE.equals(dryRun));
    }
}
