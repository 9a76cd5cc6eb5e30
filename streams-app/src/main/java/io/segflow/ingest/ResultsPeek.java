package io.segflow.ingest;

import io.segflow.schema.CompactionResult;
import io.segflow.schema.CompactionStatus;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a channel's compaction results ahead of its task, for a task that compaction
 * backpressure pauses: the stream thread that would apply them is the one waiting, and Kafka
 * Streams polls again only once it has processed the records it holds, so the waiting task looks
 * at {@code C.compaction-results} itself to learn that its backlog drained. It only looks: the
 * results are applied through Kafka Streams, in order, as always. The consumer is opened at the
 * first pause.
 */
final class ResultsPeek implements CompactionThrottle.Results {
    private final Map<String, Object> config;
    private final TopicPartition partition;
    private final Deserializer<CompactionResult> results;
    private KafkaConsumer<byte[], byte[]> consumer;

    /** @param config Kafka client settings with the ingest application's group id, whose committed offset a first look starts from */
    ResultsPeek(Map<String, Object> config, TopicPartition partition, Deserializer<CompactionResult> results) {
        this.config = new HashMap<>(config);
        this.config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.partition = partition;
        this.results = results;
    }

    /** Tasks committed or failed for good; a next call goes on where this one stopped, unless {@code from} is past it. */
    @Override
    public Set<String> finished(long from, Duration timeout) {
        if (consumer == null) {
            consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            consumer.assign(List.of(partition));
            OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
            consumer.seek(partition, Math.max(from, committed == null ? 0 : committed.offset()));
        } else if (from > consumer.position(partition)) {
            consumer.seek(partition, from);
        }
        Set<String> finished = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(timeout)) {
            CompactionResult result = results.deserialize(record.topic(), record.value());
            if (result != null && (result.getStatus() == CompactionStatus.COMPLETED
                    || result.getStatus() != CompactionStatus.STARTED && !result.getRetrying())) {
                finished.add(result.getTaskId());
            }
        }
        return finished;
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close();
        }
    }
}
