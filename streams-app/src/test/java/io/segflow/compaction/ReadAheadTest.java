package io.segflow.compaction;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReadAheadTest {
    private final List<String> paths = List.of("a", "b", "c", "d", "e");

    @Test
    void givesEveryObjectInOrderAndFetchesNoMoreThanDepthAhead() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try {
            AtomicInteger started = new AtomicInteger();
            CountDownLatch release = new CountDownLatch(1);
            List<String> seen = new ArrayList<>();
            try (ReadAhead<String> objects = new ReadAhead<>(paths, path -> {
                started.incrementAndGet();
                if (path.equals("a")) {
                    await(release);
                }
                return path.toUpperCase();
            }, executor, 2)) {
                Thread consumer = new Thread(() -> objects.forEachRemaining(seen::add));
                consumer.start();
                // While the first read is held, exactly it and the two behind it have started, no more.
                awaitCount(started, 3);
                Thread.sleep(50);
                assertThat(started.get()).isEqualTo(3);
                release.countDown();
                consumer.join(TimeUnit.SECONDS.toMillis(10));
            }
            assertThat(seen).containsExactly("A", "B", "C", "D", "E");
            assertThat(started.get()).isEqualTo(5);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void depthZeroReadsOneAfterTheOther() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(4);
        try (ReadAhead<String> objects = new ReadAhead<>(paths, path -> {
            most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            inFlight.decrementAndGet();
            return path;
        }, executor, 0)) {
            List<String> seen = new ArrayList<>();
            objects.forEachRemaining(seen::add);
            assertThat(seen).isEqualTo(paths);
            assertThat(most.get()).isEqualTo(1);
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void aFailedReadIsThrownForItsObjectAfterTheOnesBeforeIt() {
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try (ReadAhead<String> objects = new ReadAhead<>(paths, path -> {
            if (path.equals("c")) {
                throw new IllegalStateException("cannot read " + path);
            }
            return path;
        }, executor, 3)) {
            assertThat(objects.next()).isEqualTo("a");
            assertThat(objects.next()).isEqualTo("b");
            assertThatThrownBy(objects::next).isInstanceOf(IllegalStateException.class).hasMessage("cannot read c");
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void closingCancelsTheReadsInFlight() throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(4);
        CountDownLatch running = new CountDownLatch(2);
        CountDownLatch interrupted = new CountDownLatch(2);
        try {
            ReadAhead<String> objects = new ReadAhead<>(paths, path -> {
                if (!path.equals("a")) {
                    running.countDown();
                    try {
                        new CountDownLatch(1).await();
                    } catch (InterruptedException e) {
                        interrupted.countDown();
                    }
                }
                return path;
            }, executor, 2);
            assertThat(objects.next()).isEqualTo("a");
            assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
            objects.close();
            assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            executor.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitCount(AtomicInteger count, int target) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (count.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(count.get()).isEqualTo(target);
    }
}
