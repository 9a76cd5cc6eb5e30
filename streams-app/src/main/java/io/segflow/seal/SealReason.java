package io.segflow.seal;

/**
 * Why a segment sealed, as {@code sealReason} records it in the catalog and the API shows it: one
 * of the six seal policies, a flush request, the reclaim deadline, or (for an L0 segment) the
 * L0 flush policy's limit that cut the delete buffer.
 */
public enum SealReason {
    CAPACITY("capacity"),
    LIFETIME("lifetime"),
    IDLE("idle"),
    BINLOG_FILES("binlog-files"),
    BLOCKING_L0("blocking-l0"),
    CHANNEL_GROWING_TOTAL("channel-growing-total"),
    /** Not a policy: a flush request sealed the segment. */
    FLUSH("flush"),
    /** An L0 segment past half its reclaim deadline waits for the segment's rows to flush. */
    RECLAIM_DEADLINE("reclaim-deadline"),
    L0_SIZE("l0-size"),
    L0_ENTRIES("l0-entries"),
    L0_AGE("l0-age");

    private final String label;

    SealReason(String label) {
        this.label = label;
    }

    /** The name the catalog and the API use. */
    public String label() {
        return label;
    }
}
