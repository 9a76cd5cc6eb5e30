package io.segflow.ingest;

import io.segflow.collection.CollectionTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;

/**
 * Writes control records (no key, no value, headers only) into channels of {@code C.dml}: flush
 * barriers, compaction requests and import markers, which each channel's task meets in order with its data.
 */
public final class ControlRecords implements AutoCloseable {
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);
    private final KafkaProducer<byte[], byte[]> producer;

    public ControlRecords(Map<String, Object> clientConfig) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A caller waits for the send (a flush, a compaction request over HTTP): without the broker it fails in seconds, not minutes.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis() / 2);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) SEND_TIMEOUT.toMillis());
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** Writes a record with {@code headers} into each of {@code channels}, waits until all are acknowledged, and returns their offsets. */
    public Map<Integer, Long> send(String collection, Collection<Integer> channels, Headers headers) throws Exception {
        Map<Integer, Future<RecordMetadata>> sent = new TreeMap<>();
        for (int channel : channels) {
            sent.put(channel, producer.send(new ProducerRecord<>(CollectionTopics.dml(collection), channel, null, null, null, headers)));
        }
        Map<Integer, Long> offsets = new TreeMap<>();
        for (Map.Entry<Integer, Future<RecordMetadata>> send : sent.entrySet()) {
            offsets.put(send.getKey(), send.getValue().get().offset());
        }
        return offsets;
    }

    /** Writes a record with {@code headers} and {@code value} into {@code channel}, waits until it is acknowledged, and returns its offset. */
    public long send(String collection, int channel, Headers headers, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(CollectionTopics.dml(collection), channel, null, null, value, headers)).get().offset();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
