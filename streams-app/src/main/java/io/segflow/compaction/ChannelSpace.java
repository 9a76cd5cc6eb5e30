package io.segflow.compaction;

import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;

import java.util.Collection;

/**
 * What a channel's segments take in object storage, and how much of it is garbage: the rows
 * deleted or expired in its Flushed segments, the rows its deletes not yet applied may delete (in
 * L0 segments or still buffered; each at most one row, of the channel's average live row size),
 * and every file of its Dropped segments not yet collected. Estimated from the catalog, as the compaction policies estimate
 * live bytes; an L0 entry that hits no stored row makes it an over-estimate. Pure.
 */
public record ChannelSpace(long storedBytes, long garbageBytes) {
    /** @param bufferedDeletes deletes of the channel not yet in a Flushed L0 segment */
    public static ChannelSpace of(Collection<SegmentInfo> settled, long bufferedDeletes, long ttlMs, long nowMs) {
        long stored = 0;
        long dead = 0;
        long liveBytes = 0;
        long liveRows = 0;
        long pendingDeletes = bufferedDeletes;
        for (SegmentInfo segment : settled) {
            long bytes = segment.getBytes() + segment.getDeltaLogBytes();
            stored += bytes;
            if (segment.getState() == SegmentState.DROPPED) {
                dead += bytes;
            } else if (segment.getLevel() == SegmentLevel.L0) {
                pendingDeletes += segment.getRows();
            } else {
                FlushedSegment flushed = CompactionPlanner.describe(segment, ttlMs, nowMs);
                dead += bytes - flushed.liveBytes();
                liveBytes += flushed.liveBytes();
                liveRows += Math.round(flushed.rows() * (1 - flushed.goneRatio()));
            }
        }
        long pending = liveRows == 0 ? 0 : Math.min(liveBytes, (long) ((double) liveBytes / liveRows * pendingDeletes));
        return new ChannelSpace(stored, Math.min(stored, dead + pending));
    }

    /** Stored bytes over live bytes: 1 when nothing is garbage, infinite when everything is. */
    public double amplification() {
        long live = storedBytes - garbageBytes;
        return storedBytes == 0 ? 1 : live <= 0 ? Double.POSITIVE_INFINITY : (double) storedBytes / live;
    }
}
