package io.segflow.ingest;

import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.Options;

import java.util.Map;

/**
 * RocksDB options of the row store. Its rows are deleted soon after they are written (once their
 * segment is uploaded); a memtable that holds a sealed segment until then lets RocksDB drop rows
 * and their deletes together at flush instead of writing and compacting them on disk.
 */
public final class RowStoreOptions implements RocksDBConfigSetter {
    /**
     * Memtable arena blocks of 1 MB, not RocksDB's write buffer / 8 (16 MB): the allocator maps
     * blocks that large afresh each time, and the kernel zeroed every page of every memtable as rows
     * were written (a fifth of the stream thread's time); blocks of 1 MB are reused once freed.
     */
    private static final long ARENA_BLOCK_BYTES = 1 << 20;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        if (!storeName.equals(IngestStores.ROWS)) {
            return;
        }
        options.setWriteBufferSize((Long) configs.get(IngestSettings.ROWS_MEMTABLE_BYTES));
        options.setArenaBlockSize(ARENA_BLOCK_BYTES);
    }

    @Override
    public void close(String storeName, Options options) {
    }
}
