package io.segflow.ingest;

import io.segflow.compaction.ChannelSpace;
import io.segflow.compaction.CompactionBackpressure;
import io.segflow.compaction.CompactionBackpressure.State;
import io.segflow.compaction.CompactionBackpressure.Work;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CompactionThrottleTest {
    private static final CompactionBackpressure POLICY = new CompactionBackpressure(100, 1000, 0, 60_000, 2.0, 4.0, 0, 1_000_000);
    private static final ChannelSpace CLEAN = new ChannelSpace(1000, 0);

    /** Results as the peek would read them, one batch per read; records where each read started. */
    private static final class Results implements CompactionThrottle.Results {
        final Deque<List<CompactionThrottle.Peeked>> batches = new ArrayDeque<>();
        final List<Long> from = new ArrayList<>();

        @Override
        public List<CompactionThrottle.Peeked> read(long offset, Duration timeout) {
            from.add(offset);
            return batches.isEmpty() ? List.of() : batches.poll();
        }

        @Override
        public void close() {
        }
    }

    /** A task whose work after applying the result at an offset is given by {@link #after}. */
    private final class Task implements CompactionThrottle.Task {
        final Map<Long, Work> after = new HashMap<>();
        final List<Long> applied = new ArrayList<>();
        final List<Long> waits = new ArrayList<>();
        long next = 7;

        @Override
        public void apply(CompactionThrottle.Peeked result) {
            applied.add(result.offset());
            next = result.offset() + 1;
            throttle.update(after.get(result.offset()));
        }

        @Override
        public long nextResult() {
            return next;
        }

        @Override
        public void waited(long nanos) {
            waits.add(nanos);
        }
    }

    private final Results results = new Results();
    private final Task task = new Task();
    private CompactionThrottle throttle;

    @BeforeEach
    void freshThread() {
        HoldBudget.refill();
    }

    private CompactionThrottle throttle(long maxBlockMs) {
        throttle = new CompactionThrottle("c", 0, POLICY, maxBlockMs, results, task);
        return throttle;
    }

    private static Work backlog(long bytes) {
        return new Work(bytes, 0, CLEAN);
    }

    private static CompactionThrottle.Peeked at(long offset) {
        return new CompactionThrottle.Peeked(offset, null);
    }

    @Test
    void theWorkTheStoresRecordSetsThePressure() {
        CompactionThrottle throttle = throttle(1000);

        throttle.update(backlog(50));
        assertThat(throttle.state()).isEqualTo(State.OFF);
        throttle.update(backlog(550));
        assertThat(throttle.state()).isEqualTo(State.SLOW);
        throttle.update(backlog(1000));
        assertThat(throttle.state()).isEqualTo(State.PAUSE);
        throttle.update(new Work(0, 60_000, CLEAN));
        assertThat(throttle.state()).isEqualTo(State.PAUSE);
        throttle.update(new Work(0, 0, new ChannelSpace(4000, 3000)));
        assertThat(throttle.state()).isEqualTo(State.PAUSE);
    }

    @Test
    void aPausedRecordGoesOnOnceTheResultsItAppliesBringTheWorkUnderTheHardLimits() {
        CompactionThrottle throttle = throttle(60_000);
        throttle.update(new Work(1800, 0, new ChannelSpace(5000, 4000)));
        task.after.put(7L, new Work(1200, 0, CLEAN));
        task.after.put(8L, new Work(600, 0, new ChannelSpace(5000, 4000)));
        task.after.put(9L, new Work(600, 0, CLEAN));
        results.batches.add(List.of());
        results.batches.add(List.of(at(7), at(8)));
        results.batches.add(List.of(at(9)));

        throttle.beforeRecord();

        assertThat(task.applied).containsExactly(7L, 8L, 9L);
        assertThat(results.from).containsExactly(7L, 7L, 9L);
        assertThat(throttle.state()).as("600 bytes left: slowed, not paused").isEqualTo(State.SLOW);
        assertThat(task.waits).hasSize(1);
    }

    @Test
    void aPauseHoldsARecordForAtMostTheBlockTimeThenTakesIt() {
        CompactionThrottle throttle = throttle(300);
        throttle.update(backlog(5000));
        long start = System.nanoTime();

        throttle.beforeRecord();

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(throttle.state()).isEqualTo(State.PAUSE);
        assertThat(task.waits).hasSize(1).allSatisfy(nanos -> assertThat(nanos).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300)));
    }

    @Test
    void holdsShareTheThreadsBudgetUntilATickGivesItBack() {
        CompactionThrottle throttle = throttle(300);
        throttle.update(backlog(5000));
        throttle.beforeRecord();
        long start = System.nanoTime();

        throttle.beforeRecord();
        CompactionThrottle other = throttle(300);
        other.update(backlog(5000));
        other.beforeRecord();

        assertThat(System.nanoTime() - start).as("the budget is spent: records go through").isLessThan(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(task.waits).as("only the first record waited").hasSize(1);
        HoldBudget.refill();
        other.beforeRecord();
        assertThat(task.waits).hasSize(2);
    }

    @Test
    void freeOrWithoutABlockTimeNothingWaits() {
        CompactionThrottle free = throttle(1000);
        free.update(backlog(5));
        free.beforeRecord();
        CompactionThrottle neverBlocks = throttle(0);
        neverBlocks.update(backlog(5000));
        neverBlocks.beforeRecord();

        assertThat(task.waits).isEmpty();
        assertThat(results.from).isEmpty();
    }
}
