package io.segflow.ingest;

import java.util.Locale;

/**
 * What an instance runs of each collection, Milvus's split of streaming and data nodes: the ingest
 * application {@code segflow-C} (DML, segments, the compaction coordinator, garbage collection,
 * reads) and the compactor application {@code segflow-C-compactor} (compaction tasks run off
 * {@code C.compaction-tasks}). Each is its own Kafka Streams application, so the instances of one
 * scale apart from those of the other.
 */
public enum Role {
    ALL, INGEST, COMPACTOR;

    public static final String SETTING = "role";

    public boolean ingests() {
        return this != COMPACTOR;
    }

    public boolean compacts() {
        return this != INGEST;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role of(String label) {
        return valueOf(label.trim().toUpperCase(Locale.ROOT));
    }
}
