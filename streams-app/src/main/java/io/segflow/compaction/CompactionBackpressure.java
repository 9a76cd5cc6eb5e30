package io.segflow.compaction;

import io.segflow.schema.SegmentInfo;

import java.util.Collection;

/**
 * How hard a channel's ingest is held back by the compaction work it has caused, as RocksDB stalls
 * writes on pending compaction bytes: below the soft limits ingest runs free; between a soft and
 * its hard limit it is slowed to {@code delayedRowsPerSecond}, falling linearly to nothing at the
 * hard limit; at a hard limit it pauses. Three measures: the channel's compaction backlog (bytes
 * its queued and running tasks must read), its reclaim lag, and its space amplification (counted
 * only once its garbage reaches {@code minGarbageBytes}, so that a small channel is never held
 * back by its ratio alone). A limit of 0 is off. Pure.
 */
public record CompactionBackpressure(long softBacklogBytes, long hardBacklogBytes, long softReclaimLagMs, long hardReclaimLagMs,
                                     double softSpaceAmplification, double hardSpaceAmplification, long minGarbageBytes,
                                     double delayedRowsPerSecond) {
    /** No backpressure at all. */
    public static final CompactionBackpressure OFF = new CompactionBackpressure(0, 0, 0, 0, 0, 0, 0, 1);

    public enum State { OFF, SLOW, PAUSE }

    /** What a channel's ingest has caused that compaction has not yet dealt with. */
    public record Work(long backlogBytes, long reclaimLagMs, ChannelSpace space) {
        /** The work of a channel from its coordinator's backlog, its settled segments and its deletes not yet in an L0 segment. */
        public static Work of(CompactionBacklog backlog, Collection<SegmentInfo> settled, long bufferedDeletes, long ttlMs, long nowMs) {
            return new Work(backlog.totalBytes(), ReclaimLag.of(settled, ttlMs, nowMs), ChannelSpace.of(settled, bufferedDeletes, ttlMs, nowMs));
        }
    }

    /**
     * What the policy says of one channel.
     *
     * @param rowsPerSecond the rate the channel may take records at while {@link State#SLOW}
     * @param cause         which limit holds it back, for the lag answer and logs; empty when off
     */
    public record Pressure(State state, double rowsPerSecond, String cause) {
        public static final Pressure NONE = new Pressure(State.OFF, Double.POSITIVE_INFINITY, "");
    }

    public CompactionBackpressure {
        requireOrdered("backlog", softBacklogBytes, hardBacklogBytes);
        requireOrdered("reclaim lag", softReclaimLagMs, hardReclaimLagMs);
        requireOrdered("space amplification", softSpaceAmplification, hardSpaceAmplification);
        if ((softSpaceAmplification > 0 && softSpaceAmplification <= 1) || (hardSpaceAmplification > 0 && hardSpaceAmplification <= 1)) {
            throw new IllegalArgumentException("a space amplification limit must exceed 1 (0 = off): "
                    + softSpaceAmplification + ", " + hardSpaceAmplification);
        }
        if (minGarbageBytes < 0 || !(delayedRowsPerSecond > 0)) {
            throw new IllegalArgumentException("the garbage floor must be at least 0 and the delayed rate positive: "
                    + minGarbageBytes + ", " + delayedRowsPerSecond);
        }
    }

    public Pressure of(Work work) {
        Pressure pressure = measure(work.backlogBytes(), softBacklogBytes, hardBacklogBytes, "compaction backlog " + work.backlogBytes() + " bytes");
        pressure = harder(pressure, measure(work.reclaimLagMs(), softReclaimLagMs, hardReclaimLagMs, "reclaim lag " + work.reclaimLagMs() + " ms"));
        if (work.space().garbageBytes() >= minGarbageBytes) {
            double amplification = work.space().amplification();
            pressure = harder(pressure, measure(amplification, softSpaceAmplification, hardSpaceAmplification,
                    String.format("space amplification %.2f (%d bytes stored, %d of them garbage)", amplification,
                            work.space().storedBytes(), work.space().garbageBytes())));
        }
        return pressure;
    }

    private static Pressure harder(Pressure a, Pressure b) {
        return a.rowsPerSecond() <= b.rowsPerSecond() ? a : b;
    }

    private Pressure measure(double value, double soft, double hard, String what) {
        if (hard > 0 && value >= hard) {
            return new Pressure(State.PAUSE, 0, what + " at or over the hard limit " + number(hard));
        }
        if (soft > 0 && value >= soft) {
            double room = hard > 0 ? (hard - value) / (hard - soft) : 1;
            return new Pressure(State.SLOW, delayedRowsPerSecond * room, what + " over the soft limit " + number(soft));
        }
        return Pressure.NONE;
    }

    private static String number(double limit) {
        return limit == Math.rint(limit) && Math.abs(limit) < 1e15 ? String.valueOf((long) limit) : String.valueOf(limit);
    }

    private static void requireOrdered(String what, double soft, double hard) {
        if (soft < 0 || hard < 0 || (soft > 0 && hard > 0 && soft >= hard)) {
            throw new IllegalArgumentException("the soft " + what + " limit must be below the hard one (0 = off): "
                    + number(soft) + ", " + number(hard));
        }
    }
}
