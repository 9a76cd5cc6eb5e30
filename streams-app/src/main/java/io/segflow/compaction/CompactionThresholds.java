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
 * @param priorities           the order queued rewrites start in, by type
 */
public record CompactionThresholds(long targetBytes, double smallFraction, double goneRatio, long deltaBytes, int deltaLogs,
                                   double jitter, long l0Entries, long l0AgeMs, long reclaimDeadlineMs, int maxPlansPerTrigger,
                                   CompactionPriorities priorities) {
    public CompactionThresholds {
        if (jitter < 0 || jitter >= 1) {
            throw new IllegalArgumentException("jitter must be in [0, 1), not " + jitter);
        }
        if (smallFraction <= 0 || smallFraction > 1) {
            throw new IllegalArgumentException("small fraction must be in (0, 1], not " + smallFraction);
        }
    }

    /** A builder starting from these thresholds: {@code thresholds.toBuilder().l0Entries(0).build()}. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Thresholds by name, from a set of them (the configured ones, in code and tests). */
    public static final class Builder {
        private long targetBytes;
        private double smallFraction;
        private double goneRatio;
        private long deltaBytes;
        private int deltaLogs;
        private double jitter;
        private long l0Entries;
        private long l0AgeMs;
        private long reclaimDeadlineMs;
        private int maxPlansPerTrigger;
        private CompactionPriorities priorities;

        private Builder(CompactionThresholds from) {
            targetBytes = from.targetBytes;
            smallFraction = from.smallFraction;
            goneRatio = from.goneRatio;
            deltaBytes = from.deltaBytes;
            deltaLogs = from.deltaLogs;
            jitter = from.jitter;
            l0Entries = from.l0Entries;
            l0AgeMs = from.l0AgeMs;
            reclaimDeadlineMs = from.reclaimDeadlineMs;
            maxPlansPerTrigger = from.maxPlansPerTrigger;
            priorities = from.priorities;
        }

        public Builder targetBytes(long value) {
            targetBytes = value;
            return this;
        }

        public Builder smallFraction(double value) {
            smallFraction = value;
            return this;
        }

        public Builder goneRatio(double value) {
            goneRatio = value;
            return this;
        }

        public Builder deltaBytes(long value) {
            deltaBytes = value;
            return this;
        }

        public Builder deltaLogs(int value) {
            deltaLogs = value;
            return this;
        }

        public Builder jitter(double value) {
            jitter = value;
            return this;
        }

        public Builder l0Entries(long value) {
            l0Entries = value;
            return this;
        }

        public Builder l0AgeMs(long value) {
            l0AgeMs = value;
            return this;
        }

        public Builder reclaimDeadlineMs(long value) {
            reclaimDeadlineMs = value;
            return this;
        }

        public Builder maxPlansPerTrigger(int value) {
            maxPlansPerTrigger = value;
            return this;
        }

        public Builder priorities(CompactionPriorities value) {
            priorities = value;
            return this;
        }

        public CompactionThresholds build() {
            return new CompactionThresholds(targetBytes, smallFraction, goneRatio, deltaBytes, deltaLogs, jitter, l0Entries, l0AgeMs,
                    reclaimDeadlineMs, maxPlansPerTrigger, priorities);
        }
    }
}
