package io.segflow.compaction;

import java.util.Arrays;
import java.util.Optional;

/** Why a policy planned a compaction, as the task's {@code reason} records it and the API shows it. */
public enum CompactionReason {
    /** L0 delete: the channel's L0 segments hold enough deletes. */
    L0_ENTRIES("l0-entries"),
    /** L0 delete: the oldest of them is old enough. */
    L0_AGE("l0-age"),
    /** Half the reclaim deadline of a deleted or expired row has passed. */
    RECLAIM_DEADLINE("reclaim-deadline"),
    SMALL_SEGMENTS("small-segments"),
    GONE_RATIO("gone-ratio"),
    DELTA_BYTES("delta-bytes"),
    DELTA_LOGS("delta-logs"),
    UNSORTED("unsorted"),
    SCHEMA_VERSION("schema-version"),
    UNCLUSTERED_BYTES("unclustered-bytes"),
    /** A manual force merge. */
    MANUAL("manual");

    private final String label;

    CompactionReason(String label) {
        this.label = label;
    }

    /** The name tasks and the API use. */
    public String label() {
        return label;
    }

    /** The reason a task read back from its topic records; empty for a label of no known reason. */
    public static Optional<CompactionReason> fromLabel(String label) {
        return Arrays.stream(values()).filter(reason -> reason.label.equals(label)).findFirst();
    }
}
