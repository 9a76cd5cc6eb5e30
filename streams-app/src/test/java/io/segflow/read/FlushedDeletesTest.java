package io.segflow.read;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segflow.schema.DeltaEntry;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.storage.AvroFiles;
import io.segflow.testing.InMemoryObjectStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The merged deletes of a channel are held with the decoded files, against read.memory.bytes. */
class FlushedDeletesTest {
    @TempDir
    Path dir;

    private static byte[] deltaLog(long firstPk, int count, long position) {
        List<DeltaEntry> entries = new ArrayList<>();
        for (long pk = firstPk; pk < firstPk + count; pk++) {
            entries.add(DeltaEntry.newBuilder().setPk(pk).setPosition(position).build());
        }
        return AvroFiles.write(DeltaEntry.getClassSchema(), entries);
    }

    @Test
    void mergedDeletesCountTowardsTheBoundAndAreMergedAgainOnceEvicted() {
        InMemoryObjectStorage storage = new InMemoryObjectStorage(() -> 0);
        storage.put("c/0/1/delta_log/0", deltaLog(0, 1_000, 10));
        storage.put("c/0/2/delta_log/0", deltaLog(500, 1_000, 20));
        SegmentFileCache cache = new SegmentFileCache(storage, dir, 1 << 20);
        DecodedFiles roomy = new DecodedFiles(cache, 64L << 20, new SimpleMeterRegistry());
        FlushedDeletes deletes = new FlushedDeletes(roomy);

        Map<ByteBuffer, Long> merged = deletes.of("c", 0, List.of("c/0/1/delta_log/0", "c/0/2/delta_log/0"));
        assertThat(merged).hasSize(1_500);
        assertThat(merged.get(ByteBuffer.wrap(PrimaryKeys.encode(700L)))).as("the newer delete wins").isEqualTo(20L);
        assertThat(roomy.heldBytes()).as("the merged map is weighed with the files").isGreaterThan(1_500L * 100);
        assertThat(deletes.of("c", 0, List.of("c/0/1/delta_log/0", "c/0/2/delta_log/0"))).as("held: the same map").isSameAs(merged);

        // A bound smaller than the merged map: it is not kept, and the next read merges again, to the same answer.
        DecodedFiles tight = new DecodedFiles(cache, 50_000, new SimpleMeterRegistry());
        FlushedDeletes bounded = new FlushedDeletes(tight);
        Map<ByteBuffer, Long> first = bounded.of("c", 0, List.of("c/0/1/delta_log/0", "c/0/2/delta_log/0"));
        assertThat(tight.heldBytes()).isLessThanOrEqualTo(50_000L);
        Map<ByteBuffer, Long> again = bounded.of("c", 0, List.of("c/0/1/delta_log/0", "c/0/2/delta_log/0"));
        assertThat(again).isNotSameAs(first).isEqualTo(first);
    }
}
