package io.segflow.compaction;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Function;

/**
 * The objects a rewrite reads, in order, with up to {@code depth} of the next ones fetched on
 * {@code executor} while the caller decodes the current one: the merge no longer waits for
 * storage between objects, and memory holds at most {@code depth + 1} objects. A failed read is
 * thrown from {@link #next} for the object it was for; closing cancels what is still in flight.
 */
final class ReadAhead<T> implements Iterator<T>, AutoCloseable {
    private final Iterator<String> paths;
    private final Function<String, T> read;
    private final Executor executor;
    private final int depth;
    private final Deque<Future<T>> inFlight = new ArrayDeque<>();

    ReadAhead(List<String> paths, Function<String, T> read, Executor executor, int depth) {
        if (depth < 0) {
            throw new IllegalArgumentException("depth must be at least 0, got " + depth);
        }
        this.paths = paths.iterator();
        this.read = read;
        this.executor = executor;
        this.depth = depth;
    }

    @Override
    public boolean hasNext() {
        return !inFlight.isEmpty() || paths.hasNext();
    }

    @Override
    public T next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        fill(depth + 1);
        Future<T> head = inFlight.removeFirst();
        try {
            return head.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("compaction cancelled");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException failure ? failure : new IllegalStateException(e.getCause());
        }
    }

    private void fill(int target) {
        while (inFlight.size() < target && paths.hasNext()) {
            String path = paths.next();
            FutureTask<T> task = new FutureTask<>(() -> read.apply(path));
            inFlight.addLast(task);
            executor.execute(task);
        }
    }

    @Override
    public void close() {
        inFlight.forEach(future -> future.cancel(true));
        inFlight.clear();
    }
}
