package io.segflow.ingest;

import com.google.common.util.concurrent.RateLimiter;
import io.segflow.collection.CollectionTopics;
import io.segflow.compaction.CompactionBackpressure;
import io.segflow.compaction.CompactionBackpressure.Pressure;
import io.segflow.compaction.CompactionBackpressure.State;
import io.segflow.compaction.CompactionBackpressure.Work;
import io.segflow.schema.CompactionResult;
import io.segflow.schema.serde.AvroSerdes;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Holds a channel's ingest back while the compaction work it caused is over the limits of its
 * {@link CompactionBackpressure}, before each DML record is taken, so the records wait in Kafka.
 * Slowed, a record waits for its turn at the delayed rate (Guava's {@link RateLimiter}); paused,
 * it waits until the work is back under the hard limits. A paused task cannot take its compaction
 * results from Kafka Streams, since its stream thread is the one waiting and polls again only once
 * it has processed the records it holds; so it reads them itself ({@link ResultsPeek}) and applies
 * them, and the task skips them when Kafka Streams delivers them later. Either wait draws on the
 * stream thread's {@link HoldBudget}: once that is spent, records go through until Kafka Streams
 * has committed, and the next ones wait again. Run by the channel's stream thread only.
 */
final class CompactionThrottle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CompactionThrottle.class);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String collection;
    private final int channel;
    private final CompactionBackpressure policy;
    private final long maxBlockNanos;
    private final Results results;
    private final Task task;
    private RateLimiter limiter;
    private volatile Pressure pressure = Pressure.NONE;

    /** A result of {@code C.compaction-results} at {@code offset}; null if it could not be decoded. */
    record Peeked(long offset, CompactionResult result) {
    }

    /** The channel's compaction results, read past its task's position: {@link ResultsPeek}. */
    interface Results extends AutoCloseable {
        /** The results from offset {@code from} on (-1: from the committed one), waiting up to {@code timeout} for some. */
        List<Peeked> read(long from, Duration timeout);

        @Override
        void close();
    }

    /** What the task does for the throttle: applies a result it read, tells where to read from, reports waits. */
    interface Task {
        /** Applies {@code result} as if Kafka Streams had delivered it, and weighs the channel's work again. */
        void apply(Peeked result);

        /** The offset after the last result applied, -1 if none is known. */
        long nextResult();

        void waited(long nanos);
    }

    CompactionThrottle(String collection, int channel, CompactionBackpressure policy, long maxBlockMs, Results results, Task task) {
        this.collection = collection;
        this.channel = channel;
        this.policy = policy;
        this.maxBlockNanos = TimeUnit.MILLISECONDS.toNanos(maxBlockMs);
        this.results = results;
        this.task = task;
    }

    static CompactionThrottle of(IngestContext ingest, int channel, Task task) {
        ResultsPeek peek = new ResultsPeek(ingest.replayConfig(), new TopicPartition(CollectionTopics.compactionResults(ingest.collection()), channel),
                AvroSerdes.specific(ingest.registry(), CompactionResult.class).deserializer());
        return new CompactionThrottle(ingest.collection(), channel, ingest.settings().compactionBackpressure(), ingest.settings().maxBlockMs(),
                peek, task);
    }

    /** The compaction work of the channel as its stores hold it now. */
    void update(Work work) {
        Pressure next = policy.of(work);
        if (next.state() != pressure.state()) {
            switch (next.state()) {
                case OFF -> log.info("{}: channel {}: compaction backpressure off", collection, channel);
                case SLOW -> log.info("{}: channel {}: ingest slowed to {} rows/s: {}", collection, channel, Math.round(next.rowsPerSecond()),
                        next.cause());
                case PAUSE -> log.info("{}: channel {}: ingest paused: {}", collection, channel, next.cause());
            }
        }
        pressure = next;
    }

    State state() {
        return pressure.state();
    }

    /** Called before a DML record is taken: waits as the pressure says, within what is left of its thread's hold budget. */
    void beforeRecord() {
        long budget = HoldBudget.leftNanos(maxBlockNanos);
        if (pressure.state() == State.OFF || budget == 0) {
            return;
        }
        long start = System.nanoTime();
        if (pressure.state() == State.PAUSE) {
            awaitResults(start + budget);
        }
        if (pressure.state() == State.SLOW) {
            // Slower than one record per block time would hold a record past the transaction's budget.
            double rate = Math.max(pressure.rowsPerSecond(), TimeUnit.SECONDS.toNanos(1) / (double) maxBlockNanos);
            if (limiter == null) {
                limiter = RateLimiter.create(rate);
            } else if (limiter.getRate() != rate) {
                limiter.setRate(rate);
            }
            long left = start + budget - System.nanoTime();
            if (!limiter.tryAcquire(1, Math.max(0, left), TimeUnit.NANOSECONDS)) {
                LockSupport.parkNanos(left);
            }
        }
        long held = System.nanoTime() - start;
        HoldBudget.spend(held);
        task.waited(held);
    }

    /** Applies the channel's results as they come until the pressure lets go or {@code deadline} passes. */
    private void awaitResults(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0 && pressure.state() == State.PAUSE; left = deadline - System.nanoTime()) {
            for (Peeked result : results.read(task.nextResult(), Duration.ofNanos(Math.min(left, POLL_NANOS)))) {
                task.apply(result);
            }
        }
    }

    @Override
    public void close() {
        results.close();
    }
}
