package io.segflow.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.segflow.metrics.IngestMetrics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Kafka Streams application of a collection in this instance, exactly-once: its start,
 * readiness (running, every active task's stores restored), Streams' own meters tagged with the
 * collection, failed stream threads replaced, and a close that leaves the group.
 */
final class StreamsApplication implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamsApplication.class);

    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final MeterRegistry meters;
    /** Changelog partitions of active tasks being restored now: the application is not ready while any is. */
    private final Set<TopicPartition> restoring = ConcurrentHashMap.newKeySet();
    /** When each changelog partition being restored began (nanos), for the restore timer. */
    private final Map<TopicPartition, Long> restoreStarts = new ConcurrentHashMap<>();

    StreamsApplication(String collection, String applicationId, Topology topology, CollectionPipeline.Environment env,
                       IngestMetrics metrics) {
        this.meters = env.meters();
        this.streams = new KafkaStreams(topology, properties(applicationId, env));
        streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition partition, String store, long start, long end) {
                restoring.add(partition);
                restoreStarts.put(partition, System.nanoTime());
            }

            @Override
            public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long restored) {
            }

            @Override
            public void onRestoreEnd(TopicPartition partition, String store, long restored) {
                restoring.remove(partition);
                Long started = restoreStarts.remove(partition);
                if (started != null) {
                    metrics.storeRestored(store, System.nanoTime() - started);
                }
            }

            @Override
            public void onRestoreSuspended(TopicPartition partition, String store, long restored) {
                restoring.remove(partition);
                restoreStarts.remove(partition);
            }
        });
        // The collection alone: Micrometer's Kafka binders drop a meter whose name another binder registered with more
        // tags, so every binder on /metrics (these and the admin client's) keeps to three; the client id tells the roles apart.
        this.streamsMetrics = new KafkaStreamsMetrics(streams, Tags.of("collection", collection));
        streams.setUncaughtExceptionHandler(e -> {
            log.error("{}: stream thread failed; replacing it", applicationId, e);
            metrics.streamThreadFailed();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    static Properties properties(String applicationId, CollectionPipeline.Environment env) {
        Properties props = new Properties();
        props.putAll(env.clientConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, env.stateDir().toString());
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, env.settings().streamThreads());
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, env.settings().commitIntervalMs());
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, env.self().host() + ":" + env.self().port());
        env.failover().applyTo(props);
        if (env.replicationFactor() > 0) {
            props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) env.replicationFactor());
        }
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), env.settings().sessionTimeoutMs());
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), env.settings().sessionTimeoutMs() / 4);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), env.settings().maxPollIntervalMs());
        return props;
    }

    void start() {
        streams.start();
        streamsMetrics.bindTo(meters);
    }

    KafkaStreams streams() {
        return streams;
    }

    KafkaStreams.State state() {
        return streams.state();
    }

    boolean ready() {
        return streams.state() == KafkaStreams.State.RUNNING && restoring.isEmpty();
    }

    @Override
    public void close() {
        // Leaving the group lets the other instances take the channels over at once.
        streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
        streamsMetrics.close();
    }
}
