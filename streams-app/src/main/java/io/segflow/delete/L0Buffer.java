package io.segflow.delete;

import io.segflow.schema.DeltaEntry;
import io.segflow.schema.PkType;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.seal.L0Batch;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A channel's buffered deletes: (position → plain pk) in a changelogged store, and in memory the
 * newest delete position of each key, which uploads read from other threads to skip rows a delete
 * already hit. Entries up to {@link #cutThrough()} belong to an L0 segment being flushed; they
 * stay (and keep hiding rows) until that flush completes and {@link #remove} drops them.
 */
public final class L0Buffer {
    private final KeyValueStore<Long, byte[]> store;
    private final Map<ByteBuffer, Long> newest = new ConcurrentHashMap<>();
    private long cutThrough = -1;
    /** Every entry up to here has left the store (L0 segments flush in position order). */
    private long removedThrough = -1;
    private long pendingEntries;
    private long pendingBytes;
    private long pendingMin = Long.MAX_VALUE;
    private long pendingMax = -1;
    private long oldestPendingMs;

    public L0Buffer(KeyValueStore<Long, byte[]> store) {
        this.store = store;
    }

    /** Rebuilds the index after a restart; entries past {@code cutThrough} are pending again, their age counted from now. */
    public void restore(long cutThrough, long nowMs) {
        this.cutThrough = cutThrough;
        removedThrough = cutThrough;
        try (KeyValueIterator<Long, byte[]> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<Long, byte[]> entry = all.next();
                removedThrough = Math.min(removedThrough, entry.key - 1);
                index(entry.value, entry.key);
                if (entry.key > cutThrough) {
                    countPending(entry.key, entry.value, nowMs);
                }
            }
        }
    }

    public void add(byte[] pk, long position, long nowMs) {
        store.put(position, pk);
        index(pk, position);
        countPending(position, pk, nowMs);
    }

    /** The position of the newest delete of {@code pk} still buffered, or -1. Safe from any thread. */
    public long newestDelete(byte[] pk) {
        return newest.getOrDefault(ByteBuffer.wrap(pk), -1L);
    }

    public long pendingEntries() {
        return pendingEntries;
    }

    public long pendingBytes() {
        return pendingBytes;
    }

    public long oldestPendingMs() {
        return oldestPendingMs;
    }

    /** The position of the newest delete the buffer holds or has cut, or -1. */
    public long highestPosition() {
        return Math.max(cutThrough, pendingMax);
    }

    public long cutThrough() {
        return cutThrough;
    }

    /** The deletes not yet in an L0 segment, as the blocking-L0 rule sees them. */
    public Optional<L0Batch> pending() {
        return pendingEntries == 0 ? Optional.empty() : Optional.of(new L0Batch(pendingMin, pendingMax, pendingEntries, pendingBytes));
    }

    /** Assigns every pending entry to an L0 segment: returns their range, and the buffer starts a new one. */
    public L0Batch cut() {
        L0Batch batch = pending().orElseThrow(() -> new IllegalStateException("no pending deletes to cut"));
        cutThrough = pendingMax;
        pendingEntries = 0;
        pendingBytes = 0;
        pendingMin = Long.MAX_VALUE;
        pendingMax = -1;
        return batch;
    }

    public List<DeltaEntry> entries(long fromPosition, long toPosition, PkType pkType) {
        List<DeltaEntry> entries = new ArrayList<>();
        try (KeyValueIterator<Long, byte[]> range = store.range(fromPosition, toPosition)) {
            range.forEachRemaining(e -> entries.add(new DeltaEntry(PrimaryKeys.decode(pkType, e.value), e.key)));
        }
        return entries;
    }

    /** Drops entries whose L0 segment is flushed. */
    public void remove(long fromPosition, long toPosition) {
        List<KeyValue<Long, byte[]>> flushed = new ArrayList<>();
        try (KeyValueIterator<Long, byte[]> range = store.range(fromPosition, toPosition)) {
            range.forEachRemaining(flushed::add);
        }
        for (KeyValue<Long, byte[]> entry : flushed) {
            store.delete(entry.key);
            newest.remove(ByteBuffer.wrap(entry.value), entry.key);
        }
        removedThrough = Math.max(removedThrough, toPosition);
    }

    /**
     * The position below which the store holds nothing: readers start their range scans here
     * rather than wading through the tombstones of every entry removed before.
     */
    public long firstPosition() {
        return removedThrough + 1;
    }

    private void index(byte[] pk, long position) {
        newest.merge(ByteBuffer.wrap(pk), position, Math::max);
    }

    private void countPending(long position, byte[] pk, long nowMs) {
        if (pendingEntries == 0) {
            oldestPendingMs = nowMs;
        }
        pendingEntries++;
        pendingBytes += pk.length + Long.BYTES;
        pendingMin = Math.min(pendingMin, position);
        pendingMax = Math.max(pendingMax, position);
    }
}
