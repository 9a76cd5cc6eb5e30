package io.segflow.storage;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Puts of one segment's files, each run on {@code executor} while the caller encodes the next
 * file, with at most {@code depth} puts in flight: encoding and uploading overlap, and memory
 * holds at most {@code depth} files besides the one being encoded. A failed put is thrown from
 * the next {@link #put} or from {@link #await}; closing cancels what is still in flight.
 */
public final class WriteBehind implements AutoCloseable {
    /** One object's put; throws what the store threw. */
    @FunctionalInterface
    public interface Put {
        void put(String path, byte[] bytes) throws Exception;
    }

    private final Put put;
    private final Executor executor;
    private final int depth;
    private final Deque<Future<?>> inFlight = new ArrayDeque<>();

    /** @param depth puts in flight at most; 0 puts on the caller's thread */
    public WriteBehind(Put put, Executor executor, int depth) {
        if (depth < 0) {
            throw new IllegalArgumentException("depth must be at least 0, got " + depth);
        }
        this.put = put;
        this.executor = executor;
        this.depth = depth;
    }

    /** Starts the put of {@code bytes} at {@code path}, first waiting for the oldest put if {@code depth} are in flight. */
    public void put(String path, byte[] bytes) throws Exception {
        if (depth == 0) {
            put.put(path, bytes);
            return;
        }
        while (inFlight.size() >= depth) {
            waitFor(inFlight.removeFirst());
        }
        FutureTask<Void> task = new FutureTask<>(() -> {
            put.put(path, bytes);
            return null;
        });
        inFlight.addLast(task);
        executor.execute(task);
    }

    /** Waits until every put started has finished; throws the first failure. */
    public void await() throws Exception {
        while (!inFlight.isEmpty()) {
            waitFor(inFlight.removeFirst());
        }
    }

    private static void waitFor(Future<?> future) throws Exception {
        try {
            future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("put cancelled");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception failure ? failure : new IllegalStateException(e.getCause());
        }
    }

    @Override
    public void close() {
        inFlight.forEach(future -> future.cancel(true));
        inFlight.clear();
    }
}
