package io.segflow.testing;

import io.segflow.schema.InMemorySchemaRegistry;
import io.segflow.schema.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

import java.util.Properties;

/** Kafka Streams' own in-memory key-value stores, opened outside a topology for tests of the classes that own them. */
public final class TestStores {
    private static final InMemorySchemaRegistry REGISTRY = new InMemorySchemaRegistry();

    private TestStores() {
    }

    public static <K, V> KeyValueStore<K, V> inMemory(String name, Serde<K> keys, Serde<V> values) {
        KeyValueStore<K, V> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, values)
                .withLoggingDisabled().withCachingDisabled().build();
        store.init(context(), store);
        return store;
    }

    /** A serde of an Avro record class, in the Confluent wire format against an in-memory registry. */
    public static <T extends SpecificRecord> Serde<T> avro(Class<T> type) {
        return AvroSerdes.specific(REGISTRY, type);
    }

    private static StateStoreContext context() {
        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, "store-test");
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return new MockProcessorContext<>(config, new TaskId(0, 0), null).getStateStoreContext();
    }
}
