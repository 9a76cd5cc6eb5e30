package io.segflow.storage;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class WriteBehindTest {
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<String> put = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        executor.shutdownNow();
    }

    @Test
    void theCallerEncodesTheNextFileWhileThePutBeforeItRuns() throws Exception {
        CountDownLatch firstStarted = new CountDownLatch(1);
        CountDownLatch releaseFirst = new CountDownLatch(1);
        try (WriteBehind writes = new WriteBehind((path, bytes) -> {
            if (path.equals("a")) {
                firstStarted.countDown();
                assertThat(releaseFirst.await(10, TimeUnit.SECONDS)).isTrue();
            }
            put.add(path);
        }, executor, 1)) {
            writes.put("a", new byte[1]);
            // The first put is held, and the caller is back: it could encode the next file now.
            assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(put).isEmpty();
            releaseFirst.countDown();
            writes.put("b", new byte[1]);
            writes.put("c", new byte[1]);
            writes.await();
        }
        assertThat(put).containsExactly("a", "b", "c");
    }

    @Test
    void noMoreThanDepthPutsAreInFlight() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        Thread caller;
        try (WriteBehind writes = new WriteBehind((path, bytes) -> {
            started.incrementAndGet();
            assertThat(release.await(10, TimeUnit.SECONDS)).isTrue();
            put.add(path);
        }, executor, 2)) {
            caller = new Thread(() -> {
                try {
                    for (String path : List.of("a", "b", "c")) {
                        writes.put(path, new byte[1]);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            caller.start();
            // Two puts run (each on its executor thread once it gets there) and the caller parks in put("c")
            // until the oldest of them is done: the third never starts meanwhile.
            await().atMost(Duration.ofSeconds(10)).until(() -> started.get() == 2 && caller.getState() == Thread.State.WAITING);
            assertThat(started.get()).isEqualTo(2);
            assertThat(put).isEmpty();
            release.countDown();
            caller.join(TimeUnit.SECONDS.toMillis(10));
            assertThat(caller.isAlive()).isFalse();
            writes.await();
        }
        assertThat(put).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void aFailedPutIsThrownToTheCaller() throws Exception {
        try (WriteBehind writes = new WriteBehind((path, bytes) -> {
            if (path.equals("b")) {
                throw new IOException("storage refused " + path);
            }
            put.add(path);
        }, executor, 1)) {
            writes.put("a", new byte[1]);
            writes.put("b", new byte[1]);
            assertThatThrownBy(writes::await).isInstanceOf(IOException.class).hasMessage("storage refused b");
        }
        assertThat(put).containsExactly("a");
    }

    @Test
    void depthZeroPutsOnTheCallersThread() throws Exception {
        Thread caller = Thread.currentThread();
        try (WriteBehind writes = new WriteBehind((path, bytes) -> {
            assertThat(Thread.currentThread()).isSameAs(caller);
            put.add(path);
        }, executor, 0)) {
            writes.put("a", new byte[1]);
            assertThat(put).containsExactly("a");
        }
    }
}
