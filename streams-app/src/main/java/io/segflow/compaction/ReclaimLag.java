package io.segflow.compaction;

import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;

import java.util.Collection;

/**
 * How long the bytes of a channel's oldest deleted or expired row have stayed in object storage:
 * over its Flushed segments (their deletes and expiries not yet rewritten away), its Flushed L0
 * segments (deletes not yet applied) and its Dropped segments (files not yet collected). Pure.
 */
public final class ReclaimLag {
    private ReclaimLag() {
    }

    /** In milliseconds, 0 if no such row. */
    public static long of(Collection<SegmentInfo> settled, long ttlMs, long nowMs) {
        long oldest = Long.MAX_VALUE;
        for (SegmentInfo segment : settled) {
            long since = segment.getLevel() == SegmentLevel.L0 ? CommitPlanner.deleteClockStart(segment)
                    : CompactionPlanner.describe(segment, ttlMs, nowMs).oldestDeleteMs();
            if (since >= 0) {
                oldest = Math.min(oldest, since);
            }
        }
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, nowMs - oldest);
    }
}
