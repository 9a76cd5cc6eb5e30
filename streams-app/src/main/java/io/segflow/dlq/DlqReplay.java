package io.segflow.dlq;

import io.segflow.collection.CollectionTopics;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.serde.BadInputReason;
import io.segflow.schema.serde.DeadLetterHeaders;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Re-produces the dead letters of {@code C.dlq} that a fix of the producer cannot send again by
 * itself: a {@code WRONG_CHANNEL} record goes to the channel its key hashes to, with its key,
 * value, timestamp and original headers. Records of every other reason stay where they are and
 * are counted. Progress is the committed offsets of the consumer group {@code segflow-C-dlq-replay},
 * committed in the same transaction as the records re-produced, so that a crash in the middle or a
 * second run replays nothing twice. A key's dead letters share a partition of {@code C.dlq} and
 * are replayed in their order, so its events keep their order too.
 */
public final class DlqReplay {
    /** Reasons whose records are valid once they are in the right channel. */
    public static final Set<BadInputReason> REPLAYABLE = EnumSet.of(BadInputReason.WRONG_CHANNEL);
    /** Header of a replayed record: where in {@code C.dlq} it came from, as {@code topic/partition/offset}. */
    public static final String REPLAYED_FROM = "segflow.replayed.from";
    private static final Logger log = LoggerFactory.getLogger(DlqReplay.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration STALL = Duration.ofSeconds(60);
    private static final String ERROR_HEADERS = "segflow.error.";

    private final Map<String, Object> clientConfig;

    public DlqReplay(Map<String, Object> clientConfig) {
        this.clientConfig = Map.copyOf(clientConfig);
    }

    /** What one run did: records read, replayed and left, by reason; and the offsets each partition went from and to. */
    public record Report(String collection, long read, Map<String, Long> replayed, Map<String, Long> left, List<Range> partitions) {
    }

    /** The offsets of one {@code C.dlq} partition a run read: {@code [from, to)}. */
    public record Range(int partition, long from, long to) {
    }

    public static String groupId(String collection) {
        return "segflow-" + collection + "-dlq-replay";
    }

    /**
     * Replays the records of {@code reasons} (all replayable ones when empty) from where the last
     * run stopped, or from {@code fromOffset} where that is later, up to the end of each partition
     * as it is now.
     */
    public synchronized Report replay(CollectionSpec spec, Set<BadInputReason> reasons, long fromOffset) {
        for (BadInputReason reason : reasons) {
            if (!REPLAYABLE.contains(reason)) {
                throw new IllegalArgumentException(reason + " records cannot be replayed as they are: fix the producer and send them again"
                        + " (replayable: " + REPLAYABLE + ")");
            }
        }
        Set<String> replaying = (reasons.isEmpty() ? REPLAYABLE : reasons).stream().map(Enum::name).collect(Collectors.toSet());
        String collection = spec.getName();
        String topic = CollectionTopics.dlq(collection);
        Map<String, Long> replayed = new TreeMap<>();
        Map<String, Long> left = new TreeMap<>();
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(collection); KafkaProducer<byte[], byte[]> producer = producer(collection)) {
            producer.initTransactions();
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> starts = start(consumer, partitions, fromOffset);
            Map<TopicPartition, Long> next = new HashMap<>(starts);
            long lastProgress = System.nanoTime();
            while (next.entrySet().stream().anyMatch(e -> e.getValue() < ends.get(e.getKey()))) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
                List<ProducerRecord<byte[], byte[]>> sends = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= ends.get(partition)) {
                        continue;
                    }
                    read++;
                    String reason = header(record.headers(), DeadLetterHeaders.REASON);
                    if (replaying.contains(reason)) {
                        sends.add(toChannel(spec, record));
                        replayed.merge(reason, 1L, Long::sum);
                    } else {
                        left.merge(reason, 1L, Long::sum);
                    }
                    done.put(partition, new OffsetAndMetadata(record.offset() + 1));
                }
                // Markers of the transactions that wrote C.dlq move the position past the last record.
                for (TopicPartition partition : partitions) {
                    long position = Math.min(consumer.position(partition), ends.get(partition));
                    if (position > next.get(partition)) {
                        next.put(partition, position);
                        done.put(partition, new OffsetAndMetadata(position));
                        lastProgress = System.nanoTime();
                    }
                }
                if (!done.isEmpty()) {
                    producer.beginTransaction();
                    sends.forEach(producer::send);
                    producer.sendOffsetsToTransaction(done, consumer.groupMetadata());
                    producer.commitTransaction();
                }
                if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                    throw new IllegalStateException("the replay of " + topic + " made no progress for " + STALL.toSeconds() + " s at "
                            + next + " (ends " + ends + ")");
                }
            }
            List<Range> ranges = partitions.stream().map(p -> new Range(p.partition(), starts.get(p), next.get(p))).toList();
            log.info("{}: replayed {} of {} dead letters ({}), left {}", collection, replayed, read, ranges, left);
            return new Report(collection, read, replayed, left, ranges);
        }
    }

    /** Where each partition starts: after the last run, at the earliest retained offset, or {@code fromOffset}, whichever is latest. */
    private static Map<TopicPartition, Long> start(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, long fromOffset) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions));
        Map<TopicPartition, Long> beginnings = consumer.beginningOffsets(partitions);
        Map<TopicPartition, Long> starts = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata last = committed.get(partition);
            long start = Math.max(Math.max(beginnings.get(partition), last == null ? 0 : last.offset()), fromOffset);
            consumer.seek(partition, start);
            starts.put(partition, start);
        }
        return starts;
    }

    private static ProducerRecord<byte[], byte[]> toChannel(CollectionSpec spec, ConsumerRecord<byte[], byte[]> record) {
        Headers headers = new RecordHeaders();
        for (Header header : record.headers()) {
            if (!header.key().startsWith(ERROR_HEADERS)) {
                headers.add(header);
            }
        }
        headers.add(REPLAYED_FROM, (record.topic() + "/" + record.partition() + "/" + record.offset()).getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(CollectionTopics.dml(spec.getName()), PrimaryKeys.channel(record.key(), spec.getChannels()),
                record.timestamp(), record.key(), record.value(), headers);
    }

    private static String header(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null ? "NONE" : new String(header.value(), StandardCharsets.UTF_8);
    }

    private KafkaConsumer<byte[], byte[]> consumer(String collection) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(collection));
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> producer(String collection) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        // One transactional id per collection: a second replay running elsewhere fences this one instead of racing it.
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, groupId(collection));
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
