package io.segflow.kafka;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creates and inspects topics of one cluster, and hands out the client settings to reach it. */
public final class Topics implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RETRY_BACKOFF = Duration.ofMillis(100);

    private final Map<String, Object> clientConfig;
    private final Optional<Short> replicationFactor;
    private final AdminClient admin;

    /**
     * @param replicationFactor of created topics; negative takes the broker's default
     */
    public Topics(String bootstrapServers, Map<String, Object> clientOverrides, short replicationFactor) {
        Map<String, Object> config = new HashMap<>(clientOverrides);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        this.clientConfig = Map.copyOf(config);
        this.replicationFactor = replicationFactor < 0 ? Optional.empty() : Optional.of(replicationFactor);
        this.admin = AdminClient.create(clientConfig);
    }

    /** Settings every client of this cluster starts from: bootstrap servers and the configured overrides. */
    public Map<String, Object> clientConfig() {
        return clientConfig;
    }

    public AdminClient admin() {
        return admin;
    }

    public void ensureCompacted(String topic, int partitions) {
        ensure(topic, partitions, Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    }

    /**
     * Creates {@code topic} unless it exists with {@code partitions} partitions.
     *
     * @throws TopicMismatchException if it exists with another partition count
     */
    public void ensure(String topic, int partitions, Map<String, String> configs) {
        NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), replicationFactor).configs(configs);
        try {
            await(admin.createTopics(List.of(newTopic)).all(), "create topic " + topic, TIMEOUT);
        } catch (IllegalStateException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
            int existing = describe(topic).partitions().size();
            if (existing != partitions) {
                throw new TopicMismatchException("topic " + topic + " exists with " + existing + " partitions, not " + partitions);
            }
        }
    }

    public TopicDescription describe(String topic) {
        return await(admin.describeTopics(List.of(topic)).allTopicNames(), "describe topic " + topic, TIMEOUT).get(topic);
    }

    /**
     * The offset after the last committed record of {@code partition}. A topic created a moment ago may not have
     * reached the metadata of the broker that answers yet: retriable errors are retried until {@code timeout}.
     */
    public long endOffset(TopicPartition partition, Duration timeout) {
        String what = "read the end offset of " + partition;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            try {
                return await(admin.listOffsets(Map.of(partition, OffsetSpec.latest()),
                        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).partitionResult(partition), what, left).offset();
            } catch (IllegalStateException e) {
                if (!(e.getCause() instanceof RetriableException) || left.compareTo(RETRY_BACKOFF) <= 0) {
                    throw e;
                }
                sleep(RETRY_BACKOFF, what);
            }
        }
    }

    private static void sleep(Duration backoff, String what) {
        try {
            Thread.sleep(backoff.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        }
    }

    private static <T> T await(KafkaFuture<T> future, String what, Duration timeout) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out trying to " + what + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
