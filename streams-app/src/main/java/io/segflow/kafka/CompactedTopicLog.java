package io.segflow.kafka;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * A single-partition compacted topic read from the beginning into memory by a background
 * thread, like the Schema Registry's {@code _schemas}. All state changes go through the log:
 * {@link #append} returns once the record has been read back and applied, so a writer reads its
 * own writes and a restart rebuilds the same state.
 */
public final class CompactedTopicLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CompactedTopicLog.class);

    private final Topics topics;
    private final TopicPartition partition;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final BiConsumer<byte[], byte[]> listener;
    private final Thread reader;
    private final Object progress = new Object();
    private long nextOffset;
    private volatile boolean closed;

    private CompactedTopicLog(Topics topics, String topic, BiConsumer<byte[], byte[]> listener) {
        this.topics = topics;
        Map<String, Object> clientConfig = topics.clientConfig();
        this.partition = new TopicPartition(topic, 0);
        this.listener = listener;
        Map<String, Object> producerConfig = new HashMap<>(clientConfig);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer());
        Map<String, Object> consumerConfig = new HashMap<>(clientConfig);
        consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        this.consumer = new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.reader = new Thread(this::readLoop, "log-reader-" + topic);
        this.reader.setDaemon(true);
    }

    /**
     * Creates {@code topic} if missing, then reads it to its end before returning.
     *
     * @param listener applies each record, in offset order, on the reader thread
     */
    public static CompactedTopicLog open(Topics topics, String topic, BiConsumer<byte[], byte[]> listener, Duration timeout) {
        topics.ensureCompacted(topic, 1);
        CompactedTopicLog topicLog = new CompactedTopicLog(topics, topic, listener);
        topicLog.consumer.assign(List.of(topicLog.partition));
        topicLog.consumer.seekToBeginning(List.of(topicLog.partition));
        topicLog.reader.start();
        topicLog.readToEnd(timeout);
        return topicLog;
    }

    /**
     * Appends a record and waits until it has been applied.
     *
     * @throws TimeoutException if it is not acknowledged and read back within {@code timeout}
     */
    public void append(byte[] key, byte[] value, Duration timeout) {
        try {
            long offset = producer.send(new ProducerRecord<>(partition.topic(), 0, key, value))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS).offset();
            awaitApplied(offset + 1, timeout);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("no acknowledgement of a record appended to " + partition.topic() + " within " + timeout, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot append to " + partition.topic() + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while appending to " + partition.topic(), e);
        }
    }

    /** Waits until every record written before the call has been applied. */
    public void readToEnd(Duration timeout) {
        awaitApplied(topics.endOffset(partition, timeout), timeout);
    }

    private void awaitApplied(long offset, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (progress) {
            while (nextOffset < offset) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || closed) {
                    throw new TimeoutException("topic " + partition.topic() + " was not read up to offset " + offset
                            + " within " + timeout + " (at " + nextOffset + ")");
                }
                try {
                    progress.wait(Math.max(1, left / 1_000_000));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading " + partition.topic(), e);
                }
            }
        }
    }

    private void readLoop() {
        try {
            while (!closed) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    try {
                        listener.accept(record.key(), record.value());
                    } catch (RuntimeException e) {
                        log.error("skipping record at offset {} of {}: {}", record.offset(), partition.topic(), e.getMessage(), e);
                    }
                }
                long position = consumer.position(partition);
                synchronized (progress) {
                    nextOffset = position;
                    progress.notifyAll();
                }
            }
        } catch (WakeupException e) {
            if (!closed) {
                log.error("reader of {} woken up while open", partition.topic(), e);
            }
        } catch (RuntimeException e) {
            log.error("reader of {} stopped: {}", partition.topic(), e.getMessage(), e);
        } finally {
            consumer.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
        try {
            reader.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
