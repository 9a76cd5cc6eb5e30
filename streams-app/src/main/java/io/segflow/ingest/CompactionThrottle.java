package io.segflow.ingest;

import com.google.common.util.concurrent.RateLimiter;
import io.segflow.collection.CollectionTopics;
import io.segflow.compaction.CompactionBackpressure;
import io.segflow.compaction.CompactionBackpressure.Pressure;
import io.segflow.compaction.CompactionBackpressure.State;
import io.segflow.schema.CompactionResult;
import io.segflow.schema.serde.AvroSerdes;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Holds a channel's ingest back while the compaction work it caused is over the limits of its
 * {@link CompactionBackpressure}, before each DML record is taken, so the records wait in Kafka.
 * Slowed, a record waits for its turn at the delayed rate (Guava's {@link RateLimiter}); paused,
 * it waits until the results show the backlog below the hard limit ({@link ResultsPeek}), for at
 * most {@code backpressure.max.block.ms}: then it is taken, so that Streams commits within the
 * transaction timeout, and the next record waits again. Run by the channel's stream thread only.
 */
final class CompactionThrottle implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CompactionThrottle.class);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final String collection;
    private final int channel;
    private final CompactionBackpressure policy;
    private final long maxBlockNanos;
    private final Results peek;
    private final Waits waits;
    /** What each task not yet done will read, as the coordinator last recorded it. */
    private Map<String, Long> backlog = Map.of();
    private long reclaimLagMs;
    /** Tasks the peek saw finish whose results the task has not applied yet. */
    private final Set<String> finishedAhead = new HashSet<>();
    private long nextResult = -1;
    private RateLimiter limiter;
    private volatile Pressure pressure = Pressure.NONE;

    /** The channel's compaction results ahead of its task: {@link ResultsPeek}. */
    interface Results extends AutoCloseable {
        /** Tasks finished for good in the results from offset {@code from} on (-1: from the committed one), waiting up to {@code timeout}. */
        Set<String> finished(long from, Duration timeout);

        @Override
        void close();
    }

    /** Where the time spent waiting is reported. */
    interface Waits {
        void waited(long nanos);
    }

    CompactionThrottle(String collection, int channel, CompactionBackpressure policy, long maxBlockMs, Results peek, Waits waits) {
        this.collection = collection;
        this.channel = channel;
        this.policy = policy;
        this.maxBlockNanos = TimeUnit.MILLISECONDS.toNanos(maxBlockMs);
        this.peek = peek;
        this.waits = waits;
    }

    static CompactionThrottle of(IngestContext ingest, int channel) {
        ResultsPeek peek = new ResultsPeek(ingest.replayConfig(), new TopicPartition(CollectionTopics.compactionResults(ingest.collection()), channel),
                AvroSerdes.specific(ingest.registry(), CompactionResult.class).deserializer());
        return new CompactionThrottle(ingest.collection(), channel, ingest.settings().compactionBackpressure(), ingest.settings().maxBlockMs(),
                peek, ingest.metrics()::compactionBackpressureWait);
    }

    /** The channel's compaction backlog (bytes by task id) and reclaim lag as its stores hold them now. */
    void update(Map<String, Long> backlog, long reclaimLagMs) {
        this.backlog = backlog;
        this.reclaimLagMs = reclaimLagMs;
        finishedAhead.retainAll(backlog.keySet());
        evaluate();
    }

    /** The task applied the result at {@code offset} of {@code C.compaction-results}. */
    void applied(long offset) {
        nextResult = offset + 1;
    }

    State state() {
        return pressure.state();
    }

    /** Called before a DML record is taken: waits as the pressure says. */
    void beforeRecord() {
        if (pressure.state() == State.OFF || maxBlockNanos == 0) {
            return;
        }
        long start = System.nanoTime();
        if (pressure.state() == State.PAUSE) {
            awaitDrain(start + maxBlockNanos);
        }
        if (pressure.state() == State.SLOW) {
            // Slower than one record per block time would hold a record past the transaction's budget.
            double rate = Math.max(pressure.rowsPerSecond(), TimeUnit.SECONDS.toNanos(1) / (double) maxBlockNanos);
            if (limiter == null) {
                limiter = RateLimiter.create(rate);
            } else if (limiter.getRate() != rate) {
                limiter.setRate(rate);
            }
            limiter.acquire();
        }
        waits.waited(System.nanoTime() - start);
    }

    private void awaitDrain(long deadline) {
        for (long left = deadline - System.nanoTime(); left > 0 && pressure.state() == State.PAUSE; left = deadline - System.nanoTime()) {
            Set<String> finished = peek.finished(nextResult, Duration.ofNanos(Math.min(left, POLL_NANOS)));
            finished.retainAll(backlog.keySet());
            if (finishedAhead.addAll(finished)) {
                evaluate();
            }
        }
    }

    /** What is left of the backlog once the results seen ahead apply; one of them may have reclaimed the oldest delete. */
    private void evaluate() {
        long bytes = backlog.entrySet().stream().filter(task -> !finishedAhead.contains(task.getKey())).mapToLong(Map.Entry::getValue).sum();
        Pressure next = policy.of(bytes, finishedAhead.isEmpty() ? reclaimLagMs : 0);
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

    @Override
    public void close() {
        peek.close();
    }
}
