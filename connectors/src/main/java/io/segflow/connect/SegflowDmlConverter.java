package io.segflow.connect;

import io.segflow.schema.registry.RegisteredSchema;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.schema.registry.SchemaRegistryException;
import io.segflow.schema.serde.RecordSource;
import io.segflow.schema.serde.WireFormat;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Value converter between Connect data and Segflow's topics in the Confluent wire format. Writing
 * to {@code C.dml}, it turns a DML event (as {@link DebeziumToDml} makes it) into a record of the
 * collection's DML schema, the latest version registered under {@code C.dml-value}; writing to a
 * dead-letter topic ({@code C.dlq}), it writes the record as schemaless JSON, for people to read.
 * Reading, it decodes any record by the schema id in its header into Connect data, so sink
 * connectors can carry {@code C.dml}, {@code C.segments} and {@code C.compaction-results}
 * elsewhere.
 */
public final class SegflowDmlConverter implements Converter, Versioned {
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String LATEST_SCHEMA_REFRESH_MS = "latest.schema.refresh.ms";
    /** Topics whose records go out as JSON: dead letters carry what could not become DML. */
    static final String DEAD_LETTER_SUFFIX = ".dlq";

    public static final ConfigDef CONFIG = new ConfigDef()
            .define(SCHEMA_REGISTRY_URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "URL of the Schema Registry that holds the collections' DML schemas (Segflow's embedded one, or Confluent's).")
            .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, "URL", ConfigDef.ValidString.in("URL", "USER_INFO"), Importance.MEDIUM,
                    "Where the Schema Registry's basic-auth credentials come from: URL (user:password@ in schema.registry.url, or none)"
                            + " or USER_INFO (basic.auth.user.info), as Confluent's converter names them.")
            .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, "", Importance.MEDIUM,
                    "user:password for the Schema Registry when basic.auth.credentials.source is USER_INFO.")
            .define(LATEST_SCHEMA_REFRESH_MS, Type.LONG, 30_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                    "How long the latest DML schema of a collection is used before it is asked for again: a collection's new"
                            + " scalar field reaches the converter within this time.");

    private final AvroConnectData connectData = new AvroConnectData();
    private final Map<String, Latest> latest = new ConcurrentHashMap<>();
    private final LongSupplier nanoTime;
    private SchemaRegistryClient registry;
    private long refreshNanos;
    private JsonConverter deadLetters;

    /** The latest schema of a subject, and when it was asked for. */
    private record Latest(RegisteredSchema schema, long fetchedNanos) {
    }

    /** For Connect, which instantiates converters by class name and then configures them. */
    public SegflowDmlConverter() {
        this(null, System::nanoTime);
    }

    /** On a given registry (for tests); {@link #configure} then leaves it in place. */
    SegflowDmlConverter(SchemaRegistryClient registry, LongSupplier nanoTime) {
        this.registry = registry;
        this.nanoTime = nanoTime;
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public String version() {
        return PluginVersion.VERSION;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        AbstractConfig config = new AbstractConfig(CONFIG, configs);
        if (registry == null) {
            registry = registry(config);
        }
        refreshNanos = config.getLong(LATEST_SCHEMA_REFRESH_MS) * 1_000_000;
        deadLetters = new JsonConverter();
        deadLetters.configure(Map.of("schemas.enable", "false"), isKey);
    }

    /** A registry client with the credentials the settings name, as Confluent's converter reads them. */
    static SchemaRegistryClient registry(AbstractConfig config) {
        URI url = URI.create(config.getString(SCHEMA_REGISTRY_URL).split(",")[0].strip());
        Password userInfo = config.getPassword(BASIC_AUTH_USER_INFO);
        if (config.getString(BASIC_AUTH_CREDENTIALS_SOURCE).equals("USER_INFO")) {
            return new RestSchemaRegistryClient(url.toString(), userInfo.value());
        }
        if (url.getUserInfo() == null) {
            return new RestSchemaRegistryClient(url.toString());
        }
        String bare = url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort()) + url.getRawPath();
        return new RestSchemaRegistryClient(bare, url.getUserInfo());
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        if (topic.endsWith(DEAD_LETTER_SUFFIX)) {
            return deadLetters.fromConnectData(topic, schema, value);
        }
        RegisteredSchema dml = latest(topic + "-value");
        GenericRecord record = DmlValues.toAvro(dml.schema(), value);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        WireFormat.writeHeader(out, dml.id());
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(dml.schema()).write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new DataException("cannot encode a DML record for " + topic + ": " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        ByteBuffer buffer = ByteBuffer.wrap(value);
        int id;
        try {
            id = WireFormat.readSchemaId(buffer, new RecordSource(topic, -1, -1));
        } catch (RuntimeException e) {
            throw new DataException("a record of " + topic + " is not in the wire format: " + e.getMessage(), e);
        }
        org.apache.avro.Schema writer = call(() -> registry.schemaById(id));
        try {
            GenericRecord record = new GenericDatumReader<GenericRecord>(writer).read(null,
                    DecoderFactory.get().binaryDecoder(value, buffer.position(), buffer.remaining(), null));
            return new SchemaAndValue(connectData.schema(writer), connectData.value(writer, record));
        } catch (IOException | RuntimeException e) {
            throw new DataException("cannot decode a record of " + topic + " with schema " + id + ": " + e.getMessage(), e);
        }
    }

    private RegisteredSchema latest(String subject) {
        long now = nanoTime.getAsLong();
        Latest known = latest.get(subject);
        if (known == null || now - known.fetchedNanos() >= refreshNanos) {
            known = new Latest(call(() -> registry.latest(subject)), now);
            latest.put(subject, known);
        }
        return known.schema();
    }

    /** A registry call; an unreachable registry is retriable (Connect retries the record), an error answer is not. */
    private static <T> T call(Supplier<T> request) {
        try {
            return request.get();
        } catch (SchemaRegistryException e) {
            if (e.status() < 0 || e.status() >= 500) {
                throw new RetriableException("Schema Registry unavailable: " + e.getMessage(), e);
            }
            throw new DataException(e.getMessage(), e);
        }
    }
}
