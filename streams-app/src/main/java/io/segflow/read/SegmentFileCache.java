package io.segflow.read;

import io.segflow.embedded.Folders;
import io.segflow.storage.ObjectStorage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Segment files read from object storage, kept on local disk up to a total size and evicted least
 * recently used first. Files never change once written (a retried upload writes the same bytes),
 * so a cached copy is always current.
 */
public final class SegmentFileCache {
    private final ObjectStorage storage;
    private final Path dir;
    private final long maxBytes;
    /** Cached paths and sizes, least recently used first. */
    private final LinkedHashMap<String, Long> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    public SegmentFileCache(ObjectStorage storage, Path dir, long maxBytes) {
        this.storage = storage;
        this.dir = dir;
        this.maxBytes = maxBytes;
        // What an earlier run left is not indexed: start empty rather than over the bound.
        Folders.deleteRecursively(dir);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the read cache in " + dir, e);
        }
    }

    /** The bytes of object {@code path}, from the cache or downloaded into it. */
    public byte[] get(String path) {
        Path local = dir.resolve(path);
        synchronized (this) {
            if (entries.get(path) != null) {
                return readLocal(local);
            }
        }
        byte[] content = storage.get(path);
        store(path, local, content);
        return content;
    }

    private void store(String path, Path local, byte[] content) {
        if (content.length > maxBytes) {
            return;
        }
        try {
            Files.createDirectories(local.getParent());
            Path temporary = Files.createTempFile(local.getParent(), "download", ".tmp");
            Files.write(temporary, content);
            Files.move(temporary, local, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + local, e);
        }
        synchronized (this) {
            Long previous = entries.put(path, (long) content.length);
            bytes += content.length - (previous == null ? 0 : previous);
            evict(path);
        }
    }

    private void evict(String keep) {
        Iterator<Map.Entry<String, Long>> oldest = entries.entrySet().iterator();
        while (bytes > maxBytes && oldest.hasNext()) {
            Map.Entry<String, Long> entry = oldest.next();
            if (entry.getKey().equals(keep)) {
                continue;
            }
            try {
                Files.deleteIfExists(dir.resolve(entry.getKey()));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot evict " + entry.getKey() + " from the read cache", e);
            }
            bytes -= entry.getValue();
            oldest.remove();
        }
    }

    private static byte[] readLocal(Path local) {
        try {
            return Files.readAllBytes(local);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + local + " from the read cache", e);
        }
    }
}
