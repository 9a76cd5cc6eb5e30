package io.segflow.compaction;

import io.segflow.schema.SegmentLevel;

/**
 * What compaction policies know of a flushed segment. Positions are offsets of the channel.
 *
 * @param deletedRows     rows its delta logs delete
 * @param expiredRows     rows past the collection's TTL now
 * @param oldestDeleteMs  when the oldest delete or expiry not yet rewritten away happened, or -1
 *                        if none: what the reclaim deadline counts from
 * @param sortedByPk      written in primary-key order
 * @param deletesAppliedThrough every delete up to this position is applied to its rows; -1 none known
 */
public record FlushedSegment(long id, String partition, SegmentLevel level, long rows, long deletedRows, long expiredRows,
                             long bytes, int deltaLogs, long deltaBytes, long minPosition, long maxPosition, long flushedAtMs,
                             long oldestDeleteMs, int schemaVersion, boolean sortedByPk, long deletesAppliedThrough) {

    /** Share of the rows that are gone (deleted or expired), in [0, 1]. */
    public double goneRatio() {
        return rows == 0 ? 0 : Math.min(1.0, (double) (deletedRows + expiredRows) / rows);
    }

    /** Bytes a rewrite would keep, assuming gone rows are of average size. */
    public long liveBytes() {
        return (long) (bytes * (1 - goneRatio()));
    }
}
