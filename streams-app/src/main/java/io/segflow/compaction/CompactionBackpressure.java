package io.segflow.compaction;

/**
 * How hard a channel's ingest is held back by the compaction work it has caused, as RocksDB stalls
 * writes on pending compaction bytes: below the soft limits ingest runs free; between a soft and
 * its hard limit it is slowed to {@code delayedRowsPerSecond}, falling linearly to nothing at the
 * hard limit; at a hard limit it pauses. The measures are the channel's compaction backlog (bytes
 * its queued and running rewrites must read) and its reclaim lag. A limit of 0 is off. Pure.
 */
public record CompactionBackpressure(long softBacklogBytes, long hardBacklogBytes, long softReclaimLagMs, long hardReclaimLagMs,
                                     double delayedRowsPerSecond) {
    /** No backpressure at all. */
    public static final CompactionBackpressure OFF = new CompactionBackpressure(0, 0, 0, 0, 1);

    public enum State { OFF, SLOW, PAUSE }

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
        if (!(delayedRowsPerSecond > 0)) {
            throw new IllegalArgumentException("the delayed rate must be positive: " + delayedRowsPerSecond);
        }
    }

    public Pressure of(long backlogBytes, long reclaimLagMs) {
        Pressure backlog = measure(backlogBytes, softBacklogBytes, hardBacklogBytes, "compaction backlog " + backlogBytes + " bytes");
        Pressure reclaim = measure(reclaimLagMs, softReclaimLagMs, hardReclaimLagMs, "reclaim lag " + reclaimLagMs + " ms");
        return backlog.rowsPerSecond() <= reclaim.rowsPerSecond() ? backlog : reclaim;
    }

    private Pressure measure(long value, long soft, long hard, String what) {
        if (hard > 0 && value >= hard) {
            return new Pressure(State.PAUSE, 0, what + " at or over the hard limit " + hard);
        }
        if (soft > 0 && value >= soft) {
            double room = hard > 0 ? (double) (hard - value) / (hard - soft) : 1;
            return new Pressure(State.SLOW, delayedRowsPerSecond * room, what + " over the soft limit " + soft);
        }
        return Pressure.NONE;
    }

    private static void requireOrdered(String what, long soft, long hard) {
        if (soft < 0 || hard < 0 || (soft > 0 && hard > 0 && soft >= hard)) {
            throw new IllegalArgumentException("the soft " + what + " limit must be below the hard one (0 = off): " + soft + ", " + hard);
        }
    }
}
