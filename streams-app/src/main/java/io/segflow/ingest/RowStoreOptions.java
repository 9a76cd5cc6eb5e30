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
    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        if (!storeName.equals(IngestStores.ROWS)) {
            return;
        }
        options.setWriteBufferSize((Long) configs.get(IngestSettings.ROWS_MEMTABLE_BYTES));
    }

    @Override
    public void close(String storeName, Options options) {
    }
}
