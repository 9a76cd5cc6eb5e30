package io.segflow.ingest;

import io.segflow.compaction.CompactionBackpressure;
import io.segflow.compaction.CompactionBackpressure.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CompactionThrottleTest {
    private static final CompactionBackpressure POLICY = new CompactionBackpressure(100, 1000, 0, 60_000, 1_000_000);

    /** Results as a peek would find them, one batch per look; records the offsets it was asked to read from. */
    private static final class Results implements CompactionThrottle.Results {
        final Deque<Set<String>> batches = new ArrayDeque<>();
        final List<Long> asked = new ArrayList<>();

        @Override
        public Set<String> finished(long from, Duration timeout) {
            asked.add(from);
            return batches.isEmpty() ? new HashSet<>() : new HashSet<>(batches.poll());
        }

        @Override
        public void close() {
        }
    }

    private final Results results = new Results();
    private final List<Long> waits = new ArrayList<>();

    private CompactionThrottle throttle(long maxBlockMs) {
        return new CompactionThrottle("c", 0, POLICY, maxBlockMs, results, waits::add);
    }

    @Test
    void theBacklogTheStoresRecordSetsThePressure() {
        CompactionThrottle throttle = throttle(1000);

        throttle.update(Map.of("a", 50L), 0);
        assertThat(throttle.state()).isEqualTo(State.OFF);
        throttle.update(Map.of("a", 50L, "b", 500L), 0);
        assertThat(throttle.state()).isEqualTo(State.SLOW);
        throttle.update(Map.of("a", 500L, "b", 500L), 0);
        assertThat(throttle.state()).isEqualTo(State.PAUSE);
        throttle.update(Map.of(), 60_000);
        assertThat(throttle.state()).isEqualTo(State.PAUSE);
    }

    @Test
    void aPausedRecordGoesOnOnceTheResultsAheadBringTheBacklogBelowTheHardLimit() {
        CompactionThrottle throttle = throttle(60_000);
        throttle.update(Map.of("a", 600L, "b", 600L, "c", 600L), 0);
        throttle.applied(41);
        results.batches.add(Set.of("unknown"));
        results.batches.add(Set.of("a"));
        results.batches.add(Set.of("b"));

        throttle.beforeRecord();

        assertThat(throttle.state()).as("600 bytes left: slowed, not paused").isEqualTo(State.SLOW);
        assertThat(results.asked).containsExactly(42L, 42L, 42L);
        assertThat(waits).hasSize(1);
    }

    @Test
    void resultsSeenAheadStayCountedUntilTheTaskAppliesThem() {
        CompactionThrottle throttle = throttle(60_000);
        throttle.update(Map.of("a", 600L, "b", 600L), 0);
        results.batches.add(Set.of("a"));
        throttle.beforeRecord();
        assertThat(throttle.state()).isEqualTo(State.SLOW);

        throttle.update(Map.of("a", 600L, "b", 600L), 0);
        assertThat(throttle.state()).as("a's result is not applied yet, but it was seen").isEqualTo(State.SLOW);
        throttle.update(Map.of("b", 600L, "c", 600L), 0);
        assertThat(throttle.state()).as("a applied; c is new").isEqualTo(State.PAUSE);
    }

    @Test
    void anyResultAheadMayHaveReclaimedTheOldestDelete() {
        CompactionThrottle throttle = throttle(60_000);
        throttle.update(Map.of("a", 10L), 90_000);
        results.batches.add(Set.of("a"));

        throttle.beforeRecord();

        assertThat(throttle.state()).isEqualTo(State.OFF);
    }

    @Test
    void aPauseHoldsARecordForAtMostTheBlockTimeThenTakesIt() {
        CompactionThrottle throttle = throttle(300);
        throttle.update(Map.of("a", 5000L), 0);
        long start = System.nanoTime();

        throttle.beforeRecord();

        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300));
        assertThat(throttle.state()).isEqualTo(State.PAUSE);
        assertThat(waits).hasSize(1).allSatisfy(nanos -> assertThat(nanos).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(300)));
    }

    @Test
    void freeOrWithoutABlockTimeNothingWaits() {
        CompactionThrottle free = throttle(1000);
        free.update(Map.of("a", 5L), 0);
        free.beforeRecord();
        CompactionThrottle neverBlocks = throttle(0);
        neverBlocks.update(Map.of("a", 5000L), 0);
        neverBlocks.beforeRecord();

        assertThat(waits).isEmpty();
        assertThat(results.asked).isEmpty();
    }
}
