package io.segflow.segment;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The row store on a real RocksDB: batches, ranges, range deletes, a start from empty, reads after close. */
class RowStoreTest {
    @TempDir
    File stateDir;

    private StateStoreContext context;
    private RowStore store;

    @BeforeEach
    void open() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "row-store-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        context = new MockProcessorContext<>(config, new TaskId(0, 3), stateDir).getStateStoreContext();
        store = open(context);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static RowStore open(StateStoreContext context) {
        RowStore store = (RowStore) RowStore.builder("rows", 1 << 20).build();
        store.init(context, store);
        return store;
    }

    private static List<KeyValue<Bytes, byte[]>> rows(long segmentId, long from, long to) {
        List<KeyValue<Bytes, byte[]>> rows = new ArrayList<>();
        for (long position = from; position < to; position++) {
            rows.add(KeyValue.pair(StoredRow.key(segmentId, position), new byte[] {(byte) segmentId, (byte) position}));
        }
        return rows;
    }

    private static List<Bytes> keys(KeyValueIterator<Bytes, byte[]> iterator) {
        List<Bytes> keys = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }

    @Test
    void aSegmentsRowsLeaveAsOneRangeAndTheNeighboursStay() {
        store.write(rows(7, 0, 100));
        store.write(rows(8, 100, 150));
        store.write(rows(9, 150, 160));

        store.deleteRange(StoredRow.firstKey(8), StoredRow.firstKey(9));

        assertThat(keys(store.range(StoredRow.firstKey(8), StoredRow.lastKey(8)))).isEmpty();
        assertThat(keys(store.range(StoredRow.firstKey(7), StoredRow.lastKey(7)))).hasSize(100)
                .startsWith(StoredRow.key(7, 0)).endsWith(StoredRow.key(7, 99));
        assertThat(keys(store.all())).hasSize(110).endsWith(StoredRow.key(9, 159));
        assertThat(store.get(StoredRow.key(9, 155))).containsExactly(9, 155);
        assertThat(store.get(StoredRow.key(8, 120))).isNull();
    }

    @Test
    void aRangeIncludesBothEndsAndANullValueDeletesItsKey() {
        List<KeyValue<Bytes, byte[]>> batch = rows(3, 0, 10);
        batch.add(KeyValue.pair(StoredRow.key(3, 4), null));
        store.write(batch);

        assertThat(keys(store.range(StoredRow.key(3, 2), StoredRow.key(3, 6))))
                .containsExactly(StoredRow.key(3, 2), StoredRow.key(3, 3), StoredRow.key(3, 5), StoredRow.key(3, 6));
    }

    @Test
    void aStoreOpenedAgainStartsEmpty() {
        store.write(rows(5, 0, 20));
        store.close();

        store = open(context);

        assertThat(keys(store.all())).isEmpty();
    }

    @Test
    void closingTheStoreEndsOpenIteratorsAndLaterReadsFailAsForAnyClosedStore() {
        store.write(rows(5, 0, 20));
        KeyValueIterator<Bytes, byte[]> reading = store.all();
        reading.next();

        store.close();

        assertThat(store.isOpen()).isFalse();
        assertThatThrownBy(reading::hasNext).isInstanceOf(InvalidStateStoreException.class);
        assertThatThrownBy(() -> store.get(StoredRow.key(5, 1))).isInstanceOf(InvalidStateStoreException.class);
        reading.close();
    }
}
