package io.segflow.config;

import io.segflow.compaction.CompactionSettings;
import io.segflow.ingest.FailoverSettings;
import io.segflow.ingest.Role;
import io.segflow.ingest.IngestSettings;
import io.segflow.imports.ImportSettings;
import io.segflow.lag.LagSettings;
import io.segflow.schema.registry.CompatibilityLevel;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.state.HostInfo;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/** The settings of a Segflow instance. */
public final class SegflowConfig extends AbstractConfig {
    public static final String DATA_DIR = "data.dir";
    public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
    /** Settings under this prefix (other than bootstrap.servers) go to every Kafka client as they are. */
    public static final String KAFKA_PREFIX = "kafka.";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String S3_ENDPOINT = "s3.endpoint";
    public static final String S3_ACCESS_KEY = "s3.access.key";
    public static final String S3_SECRET_KEY = "s3.secret.key";
    public static final String S3_BUCKET = "s3.bucket";
    public static final String S3_REGION = "s3.region";
    public static final String HTTP_HOST = "http.host";
    public static final String HTTP_PORT = "http.port";
    public static final String HTTP_ADVERTISED_HOST = "http.advertised.host";
    public static final String HTTP_ADVERTISED_PORT = "http.advertised.port";
    public static final String EMBEDDED_HOST = "embedded.host";
    public static final String EMBEDDED_KAFKA_PORT = "embedded.kafka.port";
    public static final String EMBEDDED_KAFKA_CONTROLLER_PORT = "embedded.kafka.controller.port";
    public static final String EMBEDDED_S3_PORT = "embedded.s3.port";
    public static final String EMBEDDED_SCHEMA_REGISTRY_PORT = "embedded.schema.registry.port";
    public static final String SCHEMA_REGISTRY_TOPIC = "schema.registry.topic";
    public static final String SCHEMA_REGISTRY_COMPATIBILITY = "schema.registry.compatibility";
    public static final String COLLECTIONS_TOPIC = "collections.topic";
    public static final String TOPIC_REPLICATION_FACTOR = "topic.replication.factor";
    public static final String DEMO_COLLECTION = "demo.collection";
    public static final String READ_CACHE_BYTES = "read.cache.bytes";
    public static final String READ_MEMORY_BYTES = "read.memory.bytes";
    public static final String STREAMS_STATE_DIR = "streams.state.dir";

    private static final Range PORT = Range.between(0, 65535);

    public static final ConfigDef DEFINITION = ImportSettings.define(LagSettings.define(FailoverSettings.define(CompactionSettings.define(IngestSettings.define(new ConfigDef()
            .define(DATA_DIR, Type.STRING, "./segflow-data", Importance.HIGH,
                    "Folder holding all embedded state: broker logs and S3 objects.")
            .define(KAFKA_BOOTSTRAP_SERVERS, Type.STRING, "", Importance.HIGH,
                    "External Kafka to use. Empty starts the embedded broker, Schema Registry and S3 server;"
                            + " set, schema.registry.url and s3.endpoint must be set too and nothing is embedded.")
            .define(SCHEMA_REGISTRY_URL, Type.STRING, "", Importance.HIGH,
                    "External Confluent-compatible Schema Registry to use; empty with the embedded default.")
            .define(S3_ENDPOINT, Type.STRING, "", Importance.HIGH,
                    "External S3 or MinIO endpoint to use; empty with the embedded default.")
            .define(S3_ACCESS_KEY, Type.STRING, "segflow", Importance.HIGH,
                    "S3 access key; the embedded S3 server accepts this one.")
            .define(S3_SECRET_KEY, Type.PASSWORD, "segflow-secret", Importance.HIGH,
                    "S3 secret key; the embedded S3 server accepts this one.")
            .define(S3_BUCKET, Type.STRING, "segflow", new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "Bucket holding segment files; created when missing.")
            .define(S3_REGION, Type.STRING, "us-east-1", Importance.LOW, "Region used to sign S3 requests.")
            .define(Role.SETTING, Type.STRING, Role.ALL.label(),
                    ValidString.in(Arrays.stream(Role.values()).map(Role::label).toArray(String[]::new)), Importance.HIGH,
                    "What this instance runs of each collection: 'all' (one instance does everything), 'ingest' (DML, segments,"
                            + " the compaction coordinator, garbage collection and reads: application segflow-C) or 'compactor'"
                            + " (compaction tasks only: application segflow-C-compactor). Instances of each role scale apart;"
                            + " a compactor instance answers /health, /ready, /metrics and the catalog, not a collection's data.")
            .define(HTTP_HOST, Type.STRING, "127.0.0.1", Importance.MEDIUM, "Address the HTTP API listens on.")
            .define(HTTP_PORT, Type.INT, 8080, PORT, Importance.MEDIUM, "Port of the HTTP API.")
            .define(HTTP_ADVERTISED_HOST, Type.STRING, "", Importance.MEDIUM,
                    "Host other instances reach this one's HTTP API at (Kafka Streams' application.server). Empty: http.host,"
                            + " or this machine's host name when http.host is 0.0.0.0.")
            .define(HTTP_ADVERTISED_PORT, Type.INT, 0, PORT, Importance.MEDIUM,
                    "Port other instances reach this one's HTTP API at; 0: http.port (a port mapped by a container differs).")
            .define(EMBEDDED_HOST, Type.STRING, "127.0.0.1", Importance.LOW, "Address the embedded servers listen on.")
            .define(EMBEDDED_KAFKA_PORT, Type.INT, 9092, PORT, Importance.MEDIUM, "Port of the embedded Kafka broker.")
            .define(EMBEDDED_KAFKA_CONTROLLER_PORT, Type.INT, 9093, PORT, Importance.LOW,
                    "Port of the embedded broker's KRaft controller listener.")
            .define(EMBEDDED_S3_PORT, Type.INT, 9000, PORT, Importance.MEDIUM, "Port of the embedded S3 server.")
            .define(EMBEDDED_SCHEMA_REGISTRY_PORT, Type.INT, 8081, PORT, Importance.MEDIUM,
                    "Port of the embedded Schema Registry.")
            .define(SCHEMA_REGISTRY_TOPIC, Type.STRING, "_schemas", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Compacted topic the embedded Schema Registry keeps its schemas in.")
            .define(SCHEMA_REGISTRY_COMPATIBILITY, Type.STRING, CompatibilityLevel.BACKWARD.name(),
                    ValidString.in(Arrays.stream(CompatibilityLevel.values()).map(Enum::name).toArray(String[]::new)),
                    Importance.LOW, "Global compatibility level of the embedded Schema Registry; subjects may override it.")
            .define(COLLECTIONS_TOPIC, Type.STRING, "_segflow_collections", new ConfigDef.NonEmptyString(), Importance.LOW,
                    "Compacted topic holding collection specs, keyed by name.")
            .define(TOPIC_REPLICATION_FACTOR, Type.SHORT, (short) -1, Importance.MEDIUM,
                    "Replication factor of the topics Segflow creates; -1 takes the broker's default.")
            .define(DEMO_COLLECTION, Type.BOOLEAN, true, Importance.LOW,
                    "Create the demo collection (int64 pk, 128-dim vector, 4 channels, one scalar) on first start.")
            .define(STREAMS_STATE_DIR, Type.STRING, "", Importance.MEDIUM,
                    "Folder of the Kafka Streams state stores (RocksDB); empty is <data.dir>/streams.")
            .define(READ_CACHE_BYTES, Type.LONG, 1L << 30, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "Bytes of segment files that reads keep on local disk (<data.dir>/read-cache), least recently used evicted first.")
            .define(READ_MEMORY_BYTES, Type.LONG, 1L << 30, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "Heap that reads keep segment files in, decoded into columns (an estimate), least recently used evicted first."))))));

    public SegflowConfig(Map<?, ?> props) {
        super(DEFINITION, props, false);
    }

    /** Whether Kafka, the Schema Registry and S3 are started in this JVM. */
    public boolean embedded() {
        return getString(KAFKA_BOOTSTRAP_SERVERS).isBlank();
    }

    public Path dataDir() {
        return Path.of(getString(DATA_DIR));
    }

    /** Settings passed to every Kafka client, without the {@value #KAFKA_PREFIX} prefix. */
    public Map<String, Object> kafkaClientOverrides() {
        Map<String, Object> overrides = originalsWithPrefix(KAFKA_PREFIX);
        overrides.remove("bootstrap.servers");
        return overrides;
    }

    /** Every setting and its value, secrets masked, for the start-up log. */
    public String describe() {
        return new TreeMap<>(values()).toString();
    }

    /** This instance's HTTP address as the other instances of its applications see it. */
    public HostInfo advertisedHttp() {
        return AdvertisedAddress.resolve(getString(HTTP_HOST), getInt(HTTP_PORT), getString(HTTP_ADVERTISED_HOST),
                getInt(HTTP_ADVERTISED_PORT), SegflowConfig::hostName);
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new ConfigException("cannot find this machine's host name to advertise; set " + HTTP_ADVERTISED_HOST + ": " + e.getMessage());
        }
    }

    public Role role() {
        return Role.of(getString(Role.SETTING));
    }

    public ImportSettings imports() {
        return ImportSettings.from(this);
    }

    public LagSettings lag() {
        return LagSettings.from(this);
    }

    public FailoverSettings failover() {
        return FailoverSettings.from(this);
    }

    public IngestSettings ingest() {
        return IngestSettings.from(this);
    }

    public CompactionSettings compaction() {
        return CompactionSettings.from(this);
    }

    public Path streamsStateDir() {
        String dir = getString(STREAMS_STATE_DIR);
        return dir.isBlank() ? dataDir().resolve("streams") : Path.of(dir);
    }

    public String s3SecretKey() {
        return getPassword(S3_SECRET_KEY).value();
    }
}
