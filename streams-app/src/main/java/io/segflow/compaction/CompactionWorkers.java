package io.segflow.compaction;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The worker slots of a collection in this instance, shared by its channels' compaction streams:
 * a slot is taken when a task starts and given back when its thread is done with it (also after a
 * time-out, once the interrupted worker has stopped), so no more than {@code slots} run at once.
 */
public final class CompactionWorkers implements AutoCloseable {
    private final Semaphore free;
    private final ExecutorService executor;

    public CompactionWorkers(String name, int slots) {
        this.free = new Semaphore(slots);
        AtomicInteger count = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(slots, runnable -> {
            Thread thread = new Thread(runnable, name + "-compaction-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public int freeSlots() {
        return free.availablePermits();
    }

    /** Runs {@code work} in a slot, or returns null if none is free. */
    public Future<?> start(Runnable work) {
        if (!free.tryAcquire()) {
            return null;
        }
        return executor.submit(() -> {
            try {
                work.run();
            } finally {
                free.release();
            }
        });
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
