package io.segflow.compaction;

/**
 * What the trigger policies compare against; each threshold of a segment is spread by its
 * {@code jitter} (per segment id, stable) so that segments of one cohort do not cross it at once.
 *
 * @param targetBytes          size of a mix output
 * @param smallFraction        a segment under this fraction of the target is small, a mix input
 * @param goneRatio            share of deleted or expired rows that makes a segment worth rewriting
 * @param deltaBytes           delta-log bytes that make a segment worth rewriting
 * @param deltaLogs            delta-log count that makes a segment worth rewriting
 * @param jitter               fraction in [0, 1): a threshold t becomes t x (1 - jitter x f(id))
 * @param l0Entries            L0 deletes on a channel that start an L0 delete compaction
 * @param l0AgeMs              age of the oldest L0 segment that starts one anyway
 * @param reclaimDeadlineMs    the bytes of a deleted or expired row are gone within this time
 * @param maxPlansPerTrigger   rewrites one trigger may plan per channel (the rate limit)
 */
public record CompactionThresholds(long targetBytes, double smallFraction, double goneRatio, long deltaBytes, int deltaLogs,
                                   double jitter, long l0Entries, long l0AgeMs, long reclaimDeadlineMs, int maxPlansPerTrigger) {
    public CompactionThresholds {
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1), not " + jitter);
        }
        if (smallFraction <= 0 || smallFraction > 1) {
            throw new IllegalArgumentException("small fraction must be in (0, 1], not " + smallFraction);
        }
    }

    public CompactionThresholds withReclaimDeadlineMs(long deadlineMs) {
        return new CompactionThresholds(targetBytes, smallFraction, goneRatio, deltaBytes, deltaLogs, jitter, l0Entries, l0AgeMs, deadlineMs,
                maxPlansPerTrigger);
    }
}
