package io.segflow.ingest;

import io.segflow.schema.CompactionResult;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a channel's partition of {@code C.compaction-results} past its task's position, with a
 * read-committed consumer of its own, for a task that compaction backpressure pauses: the same
 * records Kafka Streams delivers later, at the same offsets. The consumer is opened at the first
 * pause.
 */
final class ResultsPeek implements CompactionThrottle.Results {
    private final Map<String, Object> config;
    private final TopicPartition partition;
    private final Deserializer<CompactionResult> results;
    private KafkaConsumer<byte[], byte[]> consumer;

    /** @param config Kafka client settings with the ingest application's group id, whose committed offset a first read starts from */
    ResultsPeek(Map<String, Object> config, TopicPartition partition, Deserializer<CompactionResult> results) {
        this.config = new HashMap<>(config);
        this.config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Results the task has not applied are never skipped, even past the log's start.
        this.config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.partition = partition;
        this.results = results;
    }

    @Override
    public List<CompactionThrottle.Peeked> read(long from, Duration timeout) {
        if (consumer == null) {
            consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.assign(List.of(partition));
            OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
            consumer.seek(partition, Math.max(from, committed == null ? 0 : committed.offset()));
        } else if (from >= 0 && from != consumer.position(partition)) {
            consumer.seek(partition, from);
        }
        List<CompactionThrottle.Peeked> read = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            read.add(new CompactionThrottle.Peeked(record.offset(), decode(record)));
        }
        return read;
    }

    /** Null for a record that does not decode, which Kafka Streams' deserialization handler skips too. */
    private CompactionResult decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return results.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            return null;
        }
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close();
        }
    }
}
