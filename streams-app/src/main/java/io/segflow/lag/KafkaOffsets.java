package io.segflow.lag;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * {@link LagMonitor.Offsets} from the broker: committed offsets, last stable offsets and the
 * group's members' assignments through the admin client, the timestamp of the oldest waiting record through a read-committed consumer
 * of its own (used by the monitor's thread only).
 */
public final class KafkaOffsets implements LagMonitor.Offsets, AutoCloseable {
    private static final long TIMEOUT_S = 10;
    private final Admin admin;
    private final KafkaConsumer<byte[], byte[]> consumer;

    public KafkaOffsets(Admin admin, Map<String, Object> clientConfig) {
        this.admin = admin;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "segflow-lag");
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @Override
    public Map<Integer, Long> committed(String groupId, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                .get(TIMEOUT_S, TimeUnit.SECONDS);
        Map<Integer, Long> committed = new TreeMap<>();
        offsets.forEach((partition, offset) -> {
            if (partition.topic().equals(topic) && offset != null) {
                committed.put(partition.partition(), offset.offset());
            }
        });
        return committed;
    }

    @Override
    public Set<Integer> held(String groupId, String topic) throws Exception {
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId)).describedGroups().get(groupId)
                .get(TIMEOUT_S, TimeUnit.SECONDS);
        return group.members().stream().flatMap(member -> member.assignment().topicPartitions().stream())
                .filter(partition -> partition.topic().equals(topic)).map(TopicPartition::partition).collect(Collectors.toCollection(TreeSet::new));
    }

    @Override
    public Map<Integer, Long> lastStable(String topic) throws Exception {
        int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS).get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        return admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(TIMEOUT_S, TimeUnit.SECONDS)
                .entrySet().stream().collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset(), (a, b) -> a, TreeMap::new));
    }

    @Override
    public OptionalLong timestampAt(String topic, int partition, long offset) {
        TopicPartition tp = new TopicPartition(topic, partition);
        consumer.assign(List.of(tp));
        consumer.seek(tp, offset);
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
            return OptionalLong.of(record.timestamp());
        }
        return OptionalLong.empty();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
