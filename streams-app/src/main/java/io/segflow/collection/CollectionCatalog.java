package io.segflow.collection;

import io.segflow.kafka.CompactedTopicLog;
import io.segflow.kafka.Topics;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.schema.serde.AvroSerdes;
import org.apache.kafka.common.serialization.Serde;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Collection specs by name, replicated through a compacted topic (value: {@link CollectionSpec}
 * in the wire format), so every instance sees every collection and a restart keeps them.
 */
public final class CollectionCatalog implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final Serde<CollectionSpec> serde;
    private final Map<String, CollectionSpec> specs = new ConcurrentHashMap<>();
    private final List<Consumer<CollectionSpec>> listeners = new CopyOnWriteArrayList<>();
    private CompactedTopicLog topicLog;

    private CollectionCatalog(String topic, SchemaRegistryClient registry) {
        this.topic = topic;
        this.serde = AvroSerdes.specific(registry, CollectionSpec.class);
    }

    public static CollectionCatalog open(Topics topics, String topic, SchemaRegistryClient registry) {
        CollectionCatalog catalog = new CollectionCatalog(topic, registry);
        catalog.topicLog = CompactedTopicLog.open(topics, topic, catalog::apply, TIMEOUT);
        return catalog;
    }

    private void apply(byte[] key, byte[] value) {
        String name = new String(key, StandardCharsets.UTF_8);
        if (value == null) {
            specs.remove(name);
        } else {
            CollectionSpec spec = serde.deserializer().deserialize(topic, value);
            specs.put(name, spec);
            listeners.forEach(listener -> listener.accept(spec));
        }
    }

    /** Calls {@code listener} with every spec stored from now on, new or changed, on the catalog's reader thread. */
    public void onChange(Consumer<CollectionSpec> listener) {
        listeners.add(listener);
    }

    public Optional<CollectionSpec> get(String name) {
        return Optional.ofNullable(specs.get(name));
    }

    public List<CollectionSpec> list() {
        return specs.values().stream().sorted(Comparator.comparing(CollectionSpec::getName)).toList();
    }

    /** Stores {@code spec} and returns once this instance sees it. */
    public void put(CollectionSpec spec) {
        topicLog.append(spec.getName().getBytes(StandardCharsets.UTF_8), serde.serializer().serialize(topic, spec), TIMEOUT);
    }

    @Override
    public void close() {
        topicLog.close();
    }
}
