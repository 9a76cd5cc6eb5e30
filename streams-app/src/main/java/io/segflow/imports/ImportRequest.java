package io.segflow.imports;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.dml.DmlSchemas;

import java.util.List;

/**
 * {@code POST /collections/C/imports}: files in the bucket, their format, the Milvus partition
 * their rows go to (the default one if absent) and an optional idempotency key.
 */
public record ImportRequest(List<String> files, String format, String partition, String idempotencyKey) {
    public ImportFormat importFormat() {
        return ImportFormat.of(format);
    }

    public String partitionOrDefault() {
        return partition == null || partition.isBlank() ? DmlSchemas.DEFAULT_PARTITION : partition;
    }

    /** Throws {@link IllegalArgumentException} naming what is wrong with the request itself (the files are checked by the job). */
    public void validate(CollectionSpec spec) {
        importFormat();
        if (files == null || files.isEmpty()) {
            throw new IllegalArgumentException("an import needs at least one file");
        }
        for (String file : files) {
            if (file == null || file.isBlank()) {
                throw new IllegalArgumentException("an import's file paths must not be empty");
            }
        }
        String target = partitionOrDefault();
        if (!target.equals(DmlSchemas.DEFAULT_PARTITION) && !spec.getPartitions().contains(target)) {
            throw new IllegalArgumentException("collection " + spec.getName() + " has no partition '" + target + "'");
        }
    }
}
