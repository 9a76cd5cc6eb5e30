package io.segflow.ingest;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.segflow.collection.CollectionTopics;
import io.segflow.compaction.CompactionParts;
import io.segflow.compaction.CompactionSettings;
import io.segflow.compaction.CompactionWorker;
import io.segflow.compaction.CompactionWorkers;
import io.segflow.compaction.SegmentRewriter;
import io.segflow.embedded.Folders;
import io.segflow.metrics.IngestMetrics;
import io.segflow.storage.FilePins;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.storage.ObjectStorage;
import io.segflow.storage.SegmentFiles;
import io.segflow.storage.SegmentUploader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Time;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The Kafka Streams application of one collection ({@code application.id = segflow-<collection>}),
 * exactly-once, with its uploader. Every instance runs one per collection; Kafka assigns the
 * channels among them.
 */
public final class CollectionPipeline implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CollectionPipeline.class);

    /** Where to run: cluster, stores, and this instance's HTTP address for interactive queries. */
    public record Environment(Map<String, Object> clientConfig, Path stateDir, short replicationFactor, HostInfo self,
                              SchemaRegistryClient registry, ObjectStorage storage, MeterRegistry meters, IngestSettings settings,
                              CompactionSettings compaction, FailoverSettings failover, FilePins pins) {
    }

    private final String collection;
    private final HostInfo self;
    private final SegmentUploader uploader;
    private final CompactionWorkers workers;
    private final CompactionSettings compaction;
    private final ExecutorService gcIo;
    private final FlushTracker flushes = new FlushTracker();
    private final ChannelFences fences = new ChannelFences();
    private final KafkaStreams streams;
    private final KafkaStreamsMetrics streamsMetrics;
    private final MeterRegistry meters;
    /** Changelog partitions of active tasks being restored now: the pipeline is not ready while any is. */
    private final Set<TopicPartition> restoring = ConcurrentHashMap.newKeySet();

    public CollectionPipeline(String collection, Supplier<CollectionSpec> spec, Environment env) {
        this.collection = collection;
        this.self = env.self();
        IngestSettings settings = env.settings();
        IngestMetrics metrics = new IngestMetrics(env.meters(), collection);
        this.uploader = new SegmentUploader(collection, env.storage(),
                new SegmentFiles(env.registry(), settings.seal().rowsPerInsertLog(), settings.bloomFpp()),
                settings.uploadThreads(), settings.uploadBackoffMs(), settings.uploadMaxBackoffMs(), metrics);
        Map<String, Object> replayConfig = new HashMap<>(env.clientConfig());
        replayConfig.put(ConsumerConfig.GROUP_ID_CONFIG, applicationId(collection));
        this.compaction = env.compaction();
        this.workers = new CompactionWorkers(collection, env.compaction().workers());
        this.gcIo = Executors.newSingleThreadExecutor(new ThreadFactoryBuilder().setNameFormat(collection + "-gc").setDaemon(true).build());
        // Runs a crashed rewrite spilled are of no use to its retry, which starts over.
        Path spillDir = env.stateDir().resolve(applicationId(collection) + "-compaction-spill");
        Folders.deleteRecursively(spillDir);
        SegmentRewriter rewrites = new SegmentRewriter(settings.seal().rowsPerInsertLog(), settings.bloomFpp(), spillDir,
                env.compaction().workerMemoryBytes());
        CompactionParts compaction = new CompactionParts(env.compaction(), env.storage(), env.pins(), workers,
                new CompactionWorker(env.storage(), rewrites, Time.SYSTEM), gcIo);
        IngestContext context = new IngestContext(collection, spec, env.registry(), settings, uploader, metrics, flushes, replayConfig, fences,
                compaction);
        this.streams = new KafkaStreams(CollectionTopology.build(context), properties(collection, env));
        streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition partition, String store, long start, long end) {
                restoring.add(partition);
            }

            @Override
            public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long restored) {
            }

            @Override
            public void onRestoreEnd(TopicPartition partition, String store, long restored) {
                restoring.remove(partition);
            }

            @Override
            public void onRestoreSuspended(TopicPartition partition, String store, long restored) {
                restoring.remove(partition);
            }
        });
        this.streamsMetrics = new KafkaStreamsMetrics(streams, Tags.of("collection", collection));
        this.meters = env.meters();
        streams.setUncaughtExceptionHandler(e -> {
            log.error("{}: stream thread failed; replacing it", collection, e);
            metrics.streamThreadFailed();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
    }

    public static String applicationId(String collection) {
        return "segflow-" + collection;
    }

    static Properties properties(String collection, Environment env) {
        Properties props = new Properties();
        props.putAll(env.clientConfig());
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(collection));
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
        // Backpressure may hold a record for up to backpressure.max.block.ms; stay in the group meanwhile.
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG),
                (int) Math.max(300_000, env.settings().maxBlockMs() * 3));
        return props;
    }

    public void start() {
        streams.start();
        // Streams' own meters (process rate, lag, commit latency, RocksDB) on /metrics, tagged with the collection.
        streamsMetrics.bindTo(meters);
    }

    public String collection() {
        return collection;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Running with every active task's stores restored: what {@code GET /ready} waits for. */
    public boolean ready() {
        return streams.state() == KafkaStreams.State.RUNNING && restoring.isEmpty();
    }

    public CompactionSettings compactionSettings() {
        return compaction;
    }

    public FlushTracker flushes() {
        return flushes;
    }

    /** Every segment of the channels this instance holds. */
    public List<SegmentInfo> localSegments() {
        ReadOnlyKeyValueStore<Long, SegmentInfo> store = streams.store(
                StoreQueryParameters.fromNameAndType(IngestStores.SEGMENTS, QueryableStoreTypes.keyValueStore()));
        List<SegmentInfo> segments = new ArrayList<>();
        try (KeyValueIterator<Long, SegmentInfo> all = store.all()) {
            all.forEachRemaining(kv -> segments.add(kv.value));
        }
        return segments;
    }

    /** The channels whose tasks run in this instance. */
    public Set<Integer> localChannels() {
        return streams.metadataForLocalThreads().stream().flatMap(thread -> thread.activeTasks().stream())
                .flatMap(task -> task.topicPartitions().stream()).map(TopicPartition::partition).collect(Collectors.toSet());
    }

    /** A store of one local channel's task, for reads on other threads (interactive queries). */
    public <K, V> ReadOnlyKeyValueStore<K, V> store(String name, int channel) {
        return streams.store(StoreQueryParameters.<ReadOnlyKeyValueStore<K, V>>fromNameAndType(name, QueryableStoreTypes.keyValueStore())
                .withPartition(channel));
    }

    public ChannelFences.Fence fence(int channel) {
        return fences.of(channel);
    }

    /** The other instances running this collection's application. */
    /** The instance ({@code host:port}) whose task holds each channel now, as Kafka Streams' metadata says. */
    public Map<Integer, String> owners() {
        String dml = CollectionTopics.dml(collection);
        Map<Integer, String> owners = new TreeMap<>();
        for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
            instance.topicPartitions().stream().filter(tp -> tp.topic().equals(dml))
                    .forEach(tp -> owners.put(tp.partition(), instance.hostInfo().host() + ":" + instance.hostInfo().port()));
        }
        return owners;
    }

    public List<HostInfo> otherInstances() {
        return streams.metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo)
                .filter(host -> !host.equals(self)).distinct().toList();
    }

    @Override
    public void close() {
        // Leaving the group lets the other instances take the channels over at once.
        streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
        streamsMetrics.close();
        uploader.close();
        workers.close();
        gcIo.shutdownNow();
    }
}
