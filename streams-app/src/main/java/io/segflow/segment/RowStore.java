package io.segflow.segment;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

import java.io.File;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The row store of a channel's task: (segment id, position) → growing row, in RocksDB through
 * RocksJava. Kafka Streams' RocksDB store has no range delete, and an uploaded segment's rows left
 * it one tombstone each, a fifth of the stream thread's time; here they leave as one range
 * tombstone, and rows are written as one write batch without the metering layers.
 *
 * <p>It is not a {@code KeyValueStore}, so the processor gets it as it is; it is a read-only
 * key-value store for interactive queries, which reads run on other threads (RocksDB allows
 * that). It starts empty on every task start, and writes skip the write-ahead log: {@code C.dml}
 * holds every row, and the task replays the rows of its unflushed segments from there.
 */
public final class RowStore implements StateStore, ReadOnlyKeyValueStore<Bytes, byte[]> {
    /**
     * Memtable arena blocks of 1 MB, not RocksDB's write buffer / 8 (16 MB): the allocator maps
     * blocks that large afresh each time, and the kernel zeroed every page of every memtable as rows
     * were written; blocks of 1 MB are reused once freed.
     */
    private static final long ARENA_BLOCK_BYTES = 1 << 20;

    private final String name;
    private final long memtableBytes;
    private final Set<RowIterator> openIterators = Collections.synchronizedSet(new HashSet<>());
    private Options options;
    private WriteOptions writeOptions;
    private RocksDB db;
    private volatile boolean open;

    RowStore(String name, long memtableBytes) {
        this.name = name;
        this.memtableBytes = memtableBytes;
    }

    /**
     * Builds the store for the topology. The memtable holds a sealed segment until its upload, so
     * that RocksDB drops rows and their range tombstone together at flush instead of writing and
     * compacting them on disk.
     */
    public static StoreBuilder<RowStore> builder(String name, long memtableBytes) {
        return new Builder(name, memtableBytes);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        File dir = new File(new File(context.stateDir(), "rocksdb"), name);
        options = new Options().setCreateIfMissing(true).setWriteBufferSize(memtableBytes).setArenaBlockSize(ARENA_BLOCK_BYTES);
        writeOptions = new WriteOptions().setDisableWAL(true);
        try {
            // RocksDB locks the directory to destroy what it holds, so it must exist first.
            if (!dir.mkdirs() && !dir.isDirectory()) {
                throw new ProcessorStateException("cannot create " + dir);
            }
            RocksDB.destroyDB(dir.getAbsolutePath(), options);
            db = RocksDB.open(options, dir.getAbsolutePath());
        } catch (RocksDBException e) {
            throw new ProcessorStateException("cannot open the row store in " + dir, e);
        }
        context.register(root, (key, value) -> {
            // Not changelogged: nothing to restore.
        });
        open = true;
    }

    /** Writes rows (a null value deletes its key) in one batch. */
    public void write(List<KeyValue<Bytes, byte[]>> rows) {
        checkOpen();
        try (WriteBatch batch = new WriteBatch()) {
            for (KeyValue<Bytes, byte[]> row : rows) {
                if (row.value == null) {
                    batch.delete(row.key.get());
                } else {
                    batch.put(row.key.get(), row.value);
                }
            }
            db.write(writeOptions, batch);
        } catch (RocksDBException e) {
            throw new ProcessorStateException("cannot write to the row store " + name, e);
        }
    }

    /** Deletes every key from {@code from} (inclusive) to {@code to} (exclusive). */
    public void deleteRange(Bytes from, Bytes to) {
        checkOpen();
        try {
            db.deleteRange(writeOptions, from.get(), to.get());
        } catch (RocksDBException e) {
            throw new ProcessorStateException("cannot delete from the row store " + name, e);
        }
    }

    @Override
    public synchronized byte[] get(Bytes key) {
        checkOpen();
        try {
            return db.get(key.get());
        } catch (RocksDBException e) {
            throw new ProcessorStateException("cannot read the row store " + name, e);
        }
    }

    /** The rows from {@code from} to {@code to}, both inclusive, in key order. */
    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return iterator(from, to);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return iterator(null, null);
    }

    @Override
    public synchronized long approximateNumEntries() {
        checkOpen();
        try {
            return db.getLongProperty("rocksdb.estimate-num-keys");
        } catch (RocksDBException e) {
            throw new ProcessorStateException("cannot read the row store " + name, e);
        }
    }

    /** Synchronized with {@link #close}, as reads of other threads may come as the task closes. */
    private synchronized RowIterator iterator(Bytes from, Bytes to) {
        checkOpen();
        RowIterator iterator = new RowIterator(db.newIterator(), from, to);
        openIterators.add(iterator);
        return iterator;
    }

    private void checkOpen() {
        if (!open) {
            throw new InvalidStateStoreException("the row store " + name + " is closed");
        }
    }

    @Override
    public void flush() {
        // Nothing to make durable: the rows are replayed from C.dml at every start.
    }

    @Override
    public synchronized void close() {
        if (!open) {
            return;
        }
        open = false;
        synchronized (openIterators) {
            openIterators.forEach(RowIterator::closeNative);
            openIterators.clear();
        }
        db.close();
        writeOptions.close();
        options.close();
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** A key range over a RocksDB iterator; closing the store closes it, and it then fails like the store. */
    private final class RowIterator implements KeyValueIterator<Bytes, byte[]> {
        private final RocksIterator rocks;
        private final Bytes to;
        private boolean closed;

        RowIterator(RocksIterator rocks, Bytes from, Bytes to) {
            this.rocks = rocks;
            this.to = to;
            if (from == null) {
                rocks.seekToFirst();
            } else {
                rocks.seek(from.get());
            }
        }

        @Override
        public synchronized boolean hasNext() {
            if (closed) {
                throw new InvalidStateStoreException("the row store " + name + " is closed");
            }
            return rocks.isValid() && (to == null || Bytes.BYTES_LEXICO_COMPARATOR.compare(rocks.key(), to.get()) <= 0);
        }

        @Override
        public synchronized KeyValue<Bytes, byte[]> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            KeyValue<Bytes, byte[]> row = KeyValue.pair(Bytes.wrap(rocks.key()), rocks.value());
            rocks.next();
            return row;
        }

        @Override
        public synchronized Bytes peekNextKey() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return Bytes.wrap(rocks.key());
        }

        @Override
        public void close() {
            openIterators.remove(this);
            closeNative();
        }

        synchronized void closeNative() {
            if (!closed) {
                closed = true;
                rocks.close();
            }
        }
    }

    private static final class Builder implements StoreBuilder<RowStore> {
        private final String name;
        private final long memtableBytes;

        Builder(String name, long memtableBytes) {
            this.name = name;
            this.memtableBytes = memtableBytes;
        }

        @Override
        public StoreBuilder<RowStore> withCachingEnabled() {
            throw new UnsupportedOperationException("the row store has no cache");
        }

        @Override
        public StoreBuilder<RowStore> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<RowStore> withLoggingEnabled(Map<String, String> config) {
            throw new UnsupportedOperationException("the row store has no changelog: C.dml holds its rows");
        }

        @Override
        public StoreBuilder<RowStore> withLoggingDisabled() {
            return this;
        }

        @Override
        public RowStore build() {
            return new RowStore(name, memtableBytes);
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }

        @Override
        public String name() {
            return name;
        }
    }
}
