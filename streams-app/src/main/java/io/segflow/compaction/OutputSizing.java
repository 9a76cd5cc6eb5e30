package io.segflow.compaction;

import io.segflow.schema.CompactionType;

/**
 * How many outputs a rewrite cuts: the one sizing rule of the coordinator (which reserves output
 * ids when it plans) and the worker (which cuts as many as the rows it keeps need).
 */
public final class OutputSizing {
    /** No rewrite writes more outputs than this, whatever its target size. */
    public static final int MAX_OUTPUTS = 1024;

    private OutputSizing() {
    }

    /** Outputs of at most {@code targetBytes} (none or negative: no limit) that {@code bytes} need; at least one. */
    public static int outputs(long bytes, long targetBytes) {
        if (targetBytes <= 0 || bytes <= targetBytes) {
            return 1;
        }
        long needed = bytes / targetBytes + (bytes % targetBytes == 0 ? 0 : 1);
        return (int) Math.min(MAX_OUTPUTS, needed);
    }

    /**
     * Output ids a plan reserves: what its estimated live bytes need, and one more, as the estimate
     * assumes deleted rows of average size. An L0 delete writes delta logs into its targets: one id.
     */
    public static int reserved(CompactionType type, long estimatedLiveBytes, long targetBytes) {
        return type == CompactionType.L0_DELETE ? 1 : Math.min(MAX_OUTPUTS, outputs(estimatedLiveBytes, targetBytes) + 1);
    }
}
