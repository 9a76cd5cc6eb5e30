package io.segflow.storage;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Object paths that running reads are using. Garbage collection must not delete a pinned file;
 * a read pins what its snapshot names before opening any of it.
 */
public final class FilePins {
    private final Map<String, Integer> pins = new ConcurrentHashMap<>();

    /** Pins {@code paths} until the returned pin is closed. */
    public Pin pin(Collection<String> paths) {
        List<String> pinned = List.copyOf(paths);
        pinned.forEach(path -> pins.merge(path, 1, Integer::sum));
        return () -> pinned.forEach(path -> pins.computeIfPresent(path, (p, count) -> count == 1 ? null : count - 1));
    }

    public boolean isPinned(String path) {
        return pins.containsKey(path);
    }

    /** A set of pinned paths. */
    public interface Pin extends AutoCloseable {
        @Override
        void close();
    }
}
