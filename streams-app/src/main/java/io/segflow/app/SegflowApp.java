package io.segflow.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.segflow.api.ApiServer;
import io.segflow.api.HealthCheck;
import io.segflow.fanout.Compactions;
import io.segflow.http.Peers;
import com.google.common.base.Ticker;
import io.segflow.compaction.CompactionIo;
import io.segflow.fanout.CollectionLag;
import io.segflow.fanout.CollectionSegments;
import io.segflow.collection.CollectionCatalog;
import io.segflow.collection.CollectionDefinition;
import io.segflow.collection.CollectionService;
import io.segflow.collection.CollectionTopics;
import io.segflow.config.SegflowConfig;
import io.segflow.dlq.DlqReplay;
import io.segflow.embedded.EmbeddedKafka;
import io.segflow.embedded.EmbeddedS3;
import io.segflow.ingest.ControlRecords;
import io.segflow.ingest.FlushService;
import io.segflow.ingest.IngestSettings;
import io.segflow.imports.ImportParts;
import io.segflow.imports.ImportService;
import io.segflow.storage.SegmentFiles;
import io.segflow.ingest.CollectionPipeline;
import io.segflow.ingest.CollectionPipelines;
import io.segflow.kafka.Topics;
import io.segflow.lag.KafkaOffsets;
import io.segflow.lag.LagMonitor;
import io.segflow.read.DecodedFiles;
import io.segflow.storage.FilePins;
import io.segflow.read.ReadService;
import io.segflow.read.SegmentFileCache;
import io.segflow.registry.SchemaRegistryServer;
import io.segflow.registry.SchemaRegistryService;
import io.segflow.schema.GeneratedTypes;
import io.segflow.schema.registry.CompatibilityLevel;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.storage.ObjectStorage;
import io.segflow.storage.S3ObjectStorage;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.segflow.config.SegflowConfig.EMBEDDED_HOST;

/**
 * One Segflow instance. With the embedded default it first starts a KRaft broker, an S3 server
 * and a Schema Registry in this JVM; then, in either mode, it connects to them, ensures the
 * bucket and the collection catalog, and serves the HTTP API. Closing stops everything it
 * started, in reverse order.
 */
public final class SegflowApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SegflowApp.class);
    static final String DEMO = "demo";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    private Endpoints endpoints;
    private CollectionService collections;
    private CollectionSegments segments;
    private FlushService flushes;
    private ImportService imports;
    private CollectionPipelines pipelines;
    private ReadService reads;
    private final FilePins pins = new FilePins();
    private ObjectStorage storage;
    private PrometheusMeterRegistry meters;
    private CompactionIo compactionIo;

    private SegflowApp() {
    }

    public static SegflowApp start(SegflowConfig config) throws Exception {
        GeneratedTypes.trust();
        SegflowApp app = new SegflowApp();
        try {
            app.startAll(config);
        } catch (Exception | Error e) {
            app.close();
            throw e;
        }
        return app;
    }

    private void startAll(SegflowConfig config) throws Exception {
        log.info("effective configuration: {}", config.describe());
        String host = config.getString(EMBEDDED_HOST);
        String bootstrap = config.getString(SegflowConfig.KAFKA_BOOTSTRAP_SERVERS);
        String s3Endpoint = config.getString(SegflowConfig.S3_ENDPOINT);
        if (config.embedded()) {
            EmbeddedKafka kafka = own(EmbeddedKafka.start(config.dataDir().resolve("kafka"), host,
                    config.getInt(SegflowConfig.EMBEDDED_KAFKA_PORT), config.getInt(SegflowConfig.EMBEDDED_KAFKA_CONTROLLER_PORT)));
            bootstrap = kafka.bootstrapServers();
            s3Endpoint = own(EmbeddedS3.start(config.dataDir().resolve("s3"), host, config.getInt(SegflowConfig.EMBEDDED_S3_PORT),
                    config.getString(SegflowConfig.S3_ACCESS_KEY), config.s3SecretKey())).endpoint();
        }
        Topics topics = own(new Topics(bootstrap, config.kafkaClientOverrides(), config.getShort(SegflowConfig.TOPIC_REPLICATION_FACTOR)));
        String registryUrl = config.getString(SegflowConfig.SCHEMA_REGISTRY_URL);
        if (config.embedded()) {
            SchemaRegistryService registryService = own(SchemaRegistryService.open(topics, config.getString(SegflowConfig.SCHEMA_REGISTRY_TOPIC),
                    CompatibilityLevel.valueOf(config.getString(SegflowConfig.SCHEMA_REGISTRY_COMPATIBILITY))));
            SchemaRegistryServer registryServer = own(SchemaRegistryServer.start(registryService, host,
                    config.getInt(SegflowConfig.EMBEDDED_SCHEMA_REGISTRY_PORT)));
            registryUrl = "http://" + host + ":" + registryServer.port();
        }
        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(registryUrl);
        storage = own(new S3ObjectStorage(s3Endpoint, config.getString(SegflowConfig.S3_ACCESS_KEY), config.s3SecretKey(),
                config.getString(SegflowConfig.S3_REGION), config.getString(SegflowConfig.S3_BUCKET)));
        storage.ensureBucket();
        CollectionCatalog catalog = own(CollectionCatalog.open(topics, config.getString(SegflowConfig.COLLECTIONS_TOPIC), registry));
        collections = new CollectionService(catalog, topics, registry, Clock.systemUTC());
        if (config.embedded() && config.getBoolean(SegflowConfig.DEMO_COLLECTION) && catalog.get(DEMO).isEmpty()) {
            collections.create(demoDefinition());
        }
        meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        bindJvmAndProcessMetrics(topics);
        String httpHost = config.getString(SegflowConfig.HTTP_HOST);
        int httpPort = config.getInt(SegflowConfig.HTTP_PORT);
        compactionIo = new CompactionIo(config.compaction().ioBytesPerSecond(), meters, Ticker.systemTicker());
        ControlRecords control = own(new ControlRecords(topics.clientConfig()));
        KafkaOffsets offsets = own(new KafkaOffsets(topics.admin(), topics.clientConfig()));
        IngestSettings ingest = config.ingest();
        imports = own(ImportService.open(topics, registry, catalog::get, new ImportParts(storage, control,
                new SegmentFiles(registry, ingest.seal().rowsPerInsertLog(), ingest.bloomFpp()),
                ingest.seal().rowsPerInsertLog() * ingest.seal().maxInsertLogs(),
                name -> offsets.committed(CollectionPipeline.applicationId(name), CollectionTopics.dml(name))), config.imports(),
                Clock.systemUTC()));
        CollectionPipeline.Environment env = new CollectionPipeline.Environment(topics.clientConfig(), config.streamsStateDir(),
                config.getShort(SegflowConfig.TOPIC_REPLICATION_FACTOR), config.advertisedHttp(), registry, storage, meters,
                ingest, config.compaction(), config.failover(), pins, compactionIo, imports);
        pipelines = own(new CollectionPipelines(catalog, env, config.role()));
        pipelines.start();
        flushes = new FlushService(pipelines, new Peers(JSON), control);
        segments = new CollectionSegments(pipelines, JSON);
        Compactions compactions = new Compactions(pipelines, JSON, control, Time.SYSTEM);
        HealthCheck health = new HealthCheck(Map.of(
                "kafka", () -> topics.admin().describeCluster().clusterId().get(5, TimeUnit.SECONDS),
                "schemaRegistry", registry::subjects,
                "s3", storage::bucketExists,
                "pipelines", pipelines::checkRunning));
        SegmentFileCache files = new SegmentFileCache(storage, config.dataDir().resolve("read-cache"),
                config.getLong(SegflowConfig.READ_CACHE_BYTES));
        reads = new ReadService(pipelines, collections, registry, new DecodedFiles(files, config.getLong(SegflowConfig.READ_MEMORY_BYTES), meters),
                pins, JSON, Clock.systemUTC());
        LagMonitor lag = own(new LagMonitor(pipelines, offsets, config.lag(), meters, Time.SYSTEM));
        lag.start();
        ApiServer api = own(ApiServer.start(new ApiServer.Services(collections, health, pipelines, segments, flushes, reads, compactions,
                new DlqReplay(topics.clientConfig()), new CollectionLag(pipelines, lag, JSON, Time.SYSTEM), imports, meters),
                httpHost, httpPort));
        endpoints = new Endpoints(bootstrap, registryUrl, s3Endpoint, "http://" + httpHost + ":" + api.port());
    }

    static CollectionDefinition demoDefinition() {
        return new CollectionDefinition(DEMO, "INT64", 128, 4,
                List.of(new CollectionDefinition.FieldDefinition("price", "DOUBLE")), null, null, null);
    }

    public Endpoints endpoints() {
        return endpoints;
    }

    /** The instance's compaction I/O: its budget and the bytes and busy time of its workers. */
    public CompactionIo compactionIo() {
        return compactionIo;
    }

    public CollectionService collections() {
        return collections;
    }

    public CollectionSegments segments() {
        return segments;
    }

    public FlushService flushes() {
        return flushes;
    }

    public ImportService imports() {
        return imports;
    }

    public ReadService reads() {
        return reads;
    }

    /** Files running reads use, which garbage collection must keep. */
    public FilePins pins() {
        return pins;
    }

    public CollectionPipelines pipelines() {
        return pipelines;
    }

    /** The bucket this instance writes to, through the client its flushes and compactions use. */
    public ObjectStorage storage() {
        return storage;
    }

    public MeterRegistry meters() {
        return meters;
    }

    /**
     * JVM, process and admin-client meters on /metrics, as every JVM service exposes them. The
     * pipelines' producers and consumers come with Kafka Streams' meters; the control-records
     * producer is left out, as its tags could not match theirs under one Prometheus name.
     */
    private void bindJvmAndProcessMetrics(Topics topics) {
        new ClassLoaderMetrics().bindTo(meters);
        new JvmMemoryMetrics().bindTo(meters);
        own(new JvmGcMetrics()).bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        new FileDescriptorMetrics().bindTo(meters);
        own(new KafkaClientMetrics(topics.admin(), Tags.of("client", "admin"))).bindTo(meters);
    }

    private <T extends AutoCloseable> T own(T resource) {
        started.push(resource);
        return resource;
    }

    @Override
    public void close() {
        while (!started.isEmpty()) {
            AutoCloseable resource = started.pop();
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("error stopping {}: {}", resource.getClass().getSimpleName(), e.getMessage(), e);
            }
        }
    }
}
