package io.segflow.read;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import io.segflow.storage.KeyBloom;
import com.google.common.util.concurrent.UncheckedExecutionException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.segflow.metrics.SegflowMeter;
import io.segflow.storage.SegmentFiles;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;

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

    private record Bloom(KeyBloom filter, int weight) implements Weighted {
    }

    private final SegmentFileCache files;
    private final Cache<String, Weighted> decoded;
    /** The weights of the entries held: Guava's cache keeps its total to itself. */
    private final AtomicLong held = new AtomicLong();

    public DecodedFiles(SegmentFileCache files, long maxBytes, MeterRegistry meters) {
        this.files = files;
        this.decoded = CacheBuilder.newBuilder().maximumWeight(maxBytes).<String, Weighted>weigher((path, entry) -> entry.weight())
                .<String, Weighted>removalListener(removal -> held.addAndGet(-removal.getValue().weight())).build();
        Gauge.builder(SegflowMeter.READ_DECODED_BYTES.meterName(), held, AtomicLong::get).baseUnit("bytes")
                .description(SegflowMeter.READ_DECODED_BYTES.description()).register(meters);
    }

    /** Estimated heap the decoded files hold now: at most {@code read.memory.bytes}, give or take the entry being added. */
    public long heldBytes() {
        return held.get();
    }

    RowColumns insertLog(String path, int dim) {
        return (RowColumns) get(path, () -> RowColumns.ofInsertLog(files.get(path), dim));
    }

    DeltaColumns deltaLog(String path) {
        return (DeltaColumns) get(path, () -> DeltaColumns.of(files.get(path)));
    }

    /** An entry of a reader's own (not a file) under {@code key}, if it is still held; weighed with the files. */
    Weighted entry(String key) {
        return decoded.getIfPresent(key);
    }

    /** Holds {@code entry} under {@code key} against the same bound as the files, replacing what was there. */
    void keep(String key, Weighted entry) {
        held.addAndGet(entry.weight());
        decoded.put(key, entry);
    }

    /** The primary-key bloom filter of a stats log. */
    KeyBloom bloom(String path) {
        return ((Bloom) get(path, () -> {
            byte[] file = files.get(path);
            return new Bloom(SegmentFiles.bloom(file), file.length);
        })).filter();
    }

    private Weighted get(String path, Callable<Weighted> load) {
        try {
            return decoded.get(path, () -> {
                Weighted entry = load.call();
                held.addAndGet(entry.weight());
                return entry;
            });
        } catch (ExecutionException | UncheckedExecutionException e) {
            throw e.getCause() instanceof RuntimeException runtime ? runtime : new IllegalStateException(e.getCause());
        }
    }
}
