package io.segflow.ingest;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.segflow.collection.CollectionTopics;
import io.segflow.compaction.CompactionBackpressure;
import io.segflow.compaction.CompactionParts;
import io.segflow.compaction.CompactionIo;
import io.segflow.compaction.CompactionSettings;
import io.segflow.metrics.IngestMetrics;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.storage.FilePins;
import io.segflow.storage.ObjectStorage;
import io.segflow.storage.SegmentFiles;
import io.segflow.storage.SegmentUploader;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The ingest application of one collection ({@code application.id = segflow-<collection>}),
 * exactly-once, with its uploader: DML into segments, the compaction coordinator, garbage
 * collection, and the stores reads query. Every instance of role {@code all} or {@code ingest}
 * runs one per collection; Kafka assigns the channels among them.
 */
public final class CollectionPipeline implements AutoCloseable {
    /** Where to run: cluster, stores, and this instance's HTTP address for interactive queries. */
    public record Environment(Map<String, Object> clientConfig, Path stateDir, short replicationFactor, HostInfo self,
                              SchemaRegistryClient registry, ObjectStorage storage, MeterRegistry meters, IngestSettings settings,
                              CompactionSettings compaction, FailoverSettings failover, FilePins pins,
                              CompactionIo compactionIo, ImportDriver imports) {
    }

    private final String collection;
    private final HostInfo self;
    private final SegmentUploader uploader;
    private final CompactionSettings compaction;
    private final ExecutorService gcIo;
    private final FlushTracker flushes = new FlushTracker();
    private final ChannelFences fences = new ChannelFences();
    private final CompactionBackpressure backpressure;
    private final StreamsApplication application;
    private final KafkaStreams streams;

    public CollectionPipeline(String collection, Supplier<CollectionSpec> spec, Environment env) {
        this.collection = collection;
        this.self = env.self();
        IngestSettings settings = env.settings();
        IngestMetrics metrics = new IngestMetrics(env.meters(), collection);
        metrics.ingestCountersAtZero();
        this.uploader = new SegmentUploader(collection, env.storage(),
                new SegmentFiles(env.registry(), settings.seal().rowsPerInsertLog(), settings.bloomFpp()),
                settings.uploadThreads(), settings.uploadBackoffMs(), settings.uploadMaxBackoffMs(), metrics);
        Map<String, Object> replayConfig = new HashMap<>(env.clientConfig());
        replayConfig.put(ConsumerConfig.GROUP_ID_CONFIG, applicationId(collection));
        this.compaction = env.compaction();
        this.backpressure = settings.compactionBackpressure();
        this.gcIo = Executors.newSingleThreadExecutor(new ThreadFactoryBuilder().setNameFormat(collection + "-gc").setDaemon(true).build());
        CompactionParts parts = new CompactionParts(env.compaction(), env.storage(), env.pins(), gcIo);
        IngestContext context = new IngestContext(collection, spec, env.registry(), settings, uploader, metrics, flushes, replayConfig, fences,
                parts, env.imports());
        this.application = new StreamsApplication(collection, applicationId(collection), CollectionTopology.ingest(context), env, metrics);
        this.streams = application.streams();
    }

    public static String applicationId(String collection) {
        return "segflow-" + collection;
    }

    public void start() {
        application.start();
    }

    public String collection() {
        return collection;
    }

    public KafkaStreams.State state() {
        return application.state();
    }

    /** Running with every active task's stores restored: what {@code GET /ready} waits for. */
    public boolean ready() {
        return application.ready();
    }

    public CompactionSettings compactionSettings() {
        return compaction;
    }

    public CompactionBackpressure compactionBackpressure() {
        return backpressure;
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

    /** The channels of which this instance keeps a standby copy of the stores. */
    public Set<Integer> standbyChannels() {
        return streams.metadataForLocalThreads().stream().flatMap(thread -> thread.standbyTasks().stream())
                .flatMap(task -> task.topicPartitions().stream()).map(TopicPartition::partition).collect(Collectors.toSet());
    }

    /** A store of one local channel's task, for reads on other threads (interactive queries). */
    public <K, V> ReadOnlyKeyValueStore<K, V> store(String name, int channel) {
        return streams.store(StoreQueryParameters.<ReadOnlyKeyValueStore<K, V>>fromNameAndType(name, QueryableStoreTypes.keyValueStore())
                .withPartition(channel));
    }

    /** Every value of a store of one local channel's task, read on another thread (interactive queries). */
    public <V> List<V> values(String name, int channel) {
        List<V> values = new ArrayList<>();
        try (KeyValueIterator<Object, V> all = this.<Object, V>store(name, channel).all()) {
            all.forEachRemaining(kv -> values.add(kv.value));
        }
        return values;
    }

    public ChannelFences.Fence fence(int channel) {
        return fences.of(channel);
    }

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

    /** The other instances running this collection's ingest application. */
    public List<HostInfo> otherInstances() {
        return streams.metadataForAllStreamsClients().stream().map(StreamsMetadata::hostInfo)
                .filter(host -> !host.equals(self)).distinct().toList();
    }

    @Override
    public void close() {
        application.close();
        uploader.close();
        gcIo.shutdownNow();
    }
}
