package io.segflow.compaction;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.ThreadFactoryBuilder;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * The worker slots of a collection in this instance, shared by its channels' compaction streams:
 * a slot is taken when a task starts and given back when its thread is done with it (also after a
 * time-out, once the interrupted worker has stopped), so no more than {@code slots} run at once.
 */
public final class CompactionWorkers implements AutoCloseable {
    private final Semaphore free;
    private final ExecutorService executor;
    private final ExecutorService reads;
    private final ExecutorService writes;

    public CompactionWorkers(String name, int slots) {
        this.free = new Semaphore(slots);
        this.executor = Executors.newFixedThreadPool(slots,
                new ThreadFactoryBuilder().setNameFormat(name + "-compaction-%d").setDaemon(true).build());
        this.reads = Executors.newFixedThreadPool(slots,
                new ThreadFactoryBuilder().setNameFormat(name + "-compaction-read-%d").setDaemon(true).build());
        this.writes = Executors.newFixedThreadPool(slots,
                new ThreadFactoryBuilder().setNameFormat(name + "-compaction-write-%d").setDaemon(true).build());
    }

    /** Where the workers' reads ahead run: a thread per slot, so one worker's requests do not wait on another's. */
    public Executor reads() {
        return reads;
    }

    /** Where the workers put their outputs behind the encoding of the next: a thread per slot. */
    public Executor writes() {
        return writes;
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
        reads.shutdownNow();
        writes.shutdownNow();
        MoreExecutors.shutdownAndAwaitTermination(executor, Duration.ofSeconds(10));
        MoreExecutors.shutdownAndAwaitTermination(reads, Duration.ofSeconds(10));
        MoreExecutors.shutdownAndAwaitTermination(writes, Duration.ofSeconds(10));
    }
}
