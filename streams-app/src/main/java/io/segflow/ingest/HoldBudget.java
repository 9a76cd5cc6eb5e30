package io.segflow.ingest;

/**
 * How long a stream thread may still hold records back before Kafka Streams next commits. Under
 * exactly-once every task of a thread writes into the thread's one transaction, which must commit
 * within its timeout, and a thread processes several records of each task between two commits; so
 * backpressure spends one budget per thread ({@code backpressure.max.block.ms}), not per record.
 * A task's tick gives it back: Kafka Streams runs the punctuators that are due right before it
 * commits, and after a hold every tick is due.
 */
final class HoldBudget {
    private static final ThreadLocal<long[]> SPENT_NANOS = ThreadLocal.withInitial(() -> new long[1]);

    private HoldBudget() {
    }

    /** What is left of {@code budgetNanos} on the calling thread. */
    static long leftNanos(long budgetNanos) {
        return Math.max(0, budgetNanos - SPENT_NANOS.get()[0]);
    }

    static void spend(long nanos) {
        SPENT_NANOS.get()[0] += nanos;
    }

    static void refill() {
        SPENT_NANOS.get()[0] = 0;
    }
}
