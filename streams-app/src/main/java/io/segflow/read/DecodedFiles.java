package io.segflow.read;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.hash.BloomFilter;
import com.google.common.util.concurrent.UncheckedExecutionException;
import io.segflow.storage.SegmentFiles;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;

/**
 * Segment files decoded in memory, least recently used evicted first once their estimated heap
 * passes a bound; the bytes come from the {@link SegmentFileCache}. Files never change once
 * written, so a decoded file is always current.
 */
public final class DecodedFiles {
    /** What an entry costs the heap, roughly. */
    interface Weighted {
        int weight();
    }

    private record Bloom(BloomFilter<byte[]> filter, int weight) implements Weighted {
    }

    private final SegmentFileCache files;
    private final Cache<String, Weighted> decoded;

    public DecodedFiles(SegmentFileCache files, long maxBytes) {
        this.files = files;
        this.decoded = CacheBuilder.newBuilder().maximumWeight(maxBytes).<String, Weighted>weigher((path, entry) -> entry.weight())
                .build();
    }

    RowColumns insertLog(String path, int dim) {
        return (RowColumns) get(path, () -> RowColumns.ofInsertLog(files.get(path), dim));
    }

    DeltaColumns deltaLog(String path) {
        return (DeltaColumns) get(path, () -> DeltaColumns.of(files.get(path)));
    }

    /** The primary-key bloom filter of a stats log. */
    BloomFilter<byte[]> bloom(String path) {
        return ((Bloom) get(path, () -> {
            byte[] file = files.get(path);
            return new Bloom(SegmentFiles.bloom(file), file.length);
        })).filter();
    }

    private Weighted get(String path, Callable<Weighted> load) {
        try {
            return decoded.get(path, load);
        } catch (ExecutionException | UncheckedExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }
}
