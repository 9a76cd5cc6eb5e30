package io.segflow.testing;

import io.minio.MinioClient;
import io.segflow.config.SegflowConfig;
import io.segflow.embedded.EmbeddedKafka;
import io.segflow.embedded.EmbeddedS3;
import io.segflow.embedded.FreePorts;
import io.segflow.kafka.Topics;
import io.segflow.registry.SchemaRegistryServer;
import io.segflow.registry.SchemaRegistryService;
import io.segflow.schema.registry.CompatibilityLevel;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.storage.ObjectStorage;
import io.segflow.storage.S3ObjectStorage;
import io.segflow.verify.Oracle;

import java.nio.file.Path;
import java.util.Map;

/**
 * A real KRaft broker, S3 server and Schema Registry in the test JVM, shared by a test class,
 * with Segflow instances (in this JVM or child processes) configured against them as external
 * services. The broker and the S3 server can be stopped and started again on the same ports and data.
 */
public final class SharedServices implements AutoCloseable {
    private static final String ACCESS_KEY = "segflow";
    private static final String SECRET_KEY = "segflow-secret";

    private final Path dir;
    private final int kafkaPort;
    private final int controllerPort;
    private EmbeddedKafka kafka;
    private final int s3Port;
    private EmbeddedS3 s3;
    private final Topics topics;
    private final SchemaRegistryService registryService;
    private final SchemaRegistryServer registryServer;
    private final RestSchemaRegistryClient registry;
    private final MinioClient minio;

    private SharedServices(Path dir) throws Exception {
        this.dir = dir;
        kafkaPort = FreePorts.next();
        controllerPort = FreePorts.next();
        startKafka();
        s3Port = FreePorts.next();
        startS3();
        topics = new Topics(kafka.bootstrapServers(), Map.of(), (short) 1);
        registryService = SchemaRegistryService.open(topics, "_schemas", CompatibilityLevel.BACKWARD);
        registryServer = SchemaRegistryServer.start(registryService, "127.0.0.1", 0);
        registry = new RestSchemaRegistryClient(registryUrl());
        minio = MinioClient.builder().endpoint(s3.endpoint()).credentials(ACCESS_KEY, SECRET_KEY).build();
        try (ObjectStorage storage = new S3ObjectStorage(s3.endpoint(), ACCESS_KEY, SECRET_KEY, "us-east-1", "segflow")) {
            storage.ensureBucket();
        }
    }

    public static SharedServices start(Path dir) throws Exception {
        return new SharedServices(dir);
    }

    /** Starts the broker, again on the same ports and log directory after {@link #stopKafka}. */
    public void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), "127.0.0.1", kafkaPort, controllerPort);
    }

    public void stopKafka() {
        kafka.close();
    }

    public void startS3() throws Exception {
        s3 = EmbeddedS3.start(dir.resolve("s3"), "127.0.0.1", s3Port, ACCESS_KEY, SECRET_KEY);
    }

    public void stopS3() throws Exception {
        s3.close();
    }

    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public String registryUrl() {
        return "http://127.0.0.1:" + registryServer.port();
    }

    public RestSchemaRegistryClient registry() {
        return registry;
    }

    public MinioClient minio() {
        return minio;
    }

    /**
     * Settings of an instance using these services, with its data in {@code dataDir}, free ports
     * of its own and {@code catalogTopic} as its collection catalog (instances that must see the
     * same collections share one).
     */
    public Map<String, String> instance(Path dataDir, String catalogTopic) {
        Map<String, String> settings = TestRuntimes.settings(dataDir);
        settings.put(SegflowConfig.KAFKA_BOOTSTRAP_SERVERS, kafka.bootstrapServers());
        settings.put(SegflowConfig.SCHEMA_REGISTRY_URL, registryUrl());
        settings.put(SegflowConfig.S3_ENDPOINT, s3.endpoint());
        settings.put(SegflowConfig.COLLECTIONS_TOPIC, catalogTopic);
        return settings;
    }

    /** {@link #instance}, with the oracle's aggressive seal, compaction and GC settings, so that segments go through every state quickly. */
    public Map<String, String> aggressiveInstance(Path dataDir, String catalogTopic) {
        Map<String, String> settings = instance(dataDir, catalogTopic);
        settings.putAll(Oracle.AGGRESSIVE_SETTINGS);
        return settings;
    }

    @Override
    public void close() throws Exception {
        minio.close();
        registryServer.close();
        registryService.close();
        topics.close();
        s3.close();
        kafka.close();
    }
}
