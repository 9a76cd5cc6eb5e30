package io.segflow.imports;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The file formats Milvus's bulk import accepts. */
public enum ImportFormat {
    /** {@code {"rows": [...]}}, or one JSON object per line. */
    JSON,
    /** A folder holding one {@code .npy} file per field. */
    NPY,
    /** A Parquet file, the vector a list of float (as Milvus's BulkWriter writes it) or fixed-size binary. */
    PARQUET,
    /** CSV with a header of field names, the vector a JSON array in its column. */
    CSV;

    public static ImportFormat of(String name) {
        if (name == null) {
            throw new IllegalArgumentException("an import needs a format: one of " + names());
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown import format '" + name + "': one of " + names(), e);
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    private static String names() {
        return Arrays.stream(values()).map(ImportFormat::label).collect(Collectors.joining(", "));
    }
}
