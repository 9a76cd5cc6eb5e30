package io.segflow.registry;

import io.segflow.kafka.CompactedTopicLog;
import io.segflow.kafka.Topics;
import io.segflow.schema.registry.CompatibilityLevel;
import io.segflow.schema.registry.RegisteredSchema;
import io.segflow.schema.registry.SchemaRegistryException;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.segflow.schema.registry.SchemaRegistryException.INCOMPATIBLE_SCHEMA;
import static io.segflow.schema.registry.SchemaRegistryException.INVALID_SCHEMA;
import static io.segflow.schema.registry.SchemaRegistryException.INVALID_VERSION;
import static io.segflow.schema.registry.SchemaRegistryException.SCHEMA_NOT_FOUND;
import static io.segflow.schema.registry.SchemaRegistryException.SUBJECT_NOT_FOUND;
import static io.segflow.schema.registry.SchemaRegistryException.VERSION_NOT_FOUND;

/**
 * The Schema Registry's operations. Writes are serialized and go through the topic; reads
 * answer from the state the topic has been folded into.
 */
public final class SchemaRegistryService implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final SchemaRegistryState state;
    private CompactedTopicLog topicLog;

    private SchemaRegistryService(CompatibilityLevel defaultLevel) {
        this.state = new SchemaRegistryState(defaultLevel);
    }

    /** Reads {@code topic} (created if missing) to its end and serves what it holds. */
    public static SchemaRegistryService open(Topics topics, String topic, CompatibilityLevel defaultLevel) {
        SchemaRegistryService service = new SchemaRegistryService(defaultLevel);
        service.topicLog = CompactedTopicLog.open(topics, topic, service::applyRecord, TIMEOUT);
        return service;
    }

    private void applyRecord(byte[] key, byte[] value) {
        SchemaLogRecord record = SchemaLogRecord.read(key, value);
        synchronized (state) {
            state.apply(record);
        }
    }

    /** Registers {@code schemaText} as the next version of {@code subject}, or returns the id it already has there. */
    public synchronized int register(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        SchemaLogRecord.SchemaVersion next;
        synchronized (state) {
            List<RegisteredSchema> versions = state.versions(subject);
            Optional<RegisteredSchema> existing = versions.stream().filter(v -> v.schema().equals(schema)).findFirst();
            if (existing.isPresent()) {
                return existing.get().id();
            }
            List<String> problems = state.levelFor(subject).incompatibilities(schema, versions.stream().map(RegisteredSchema::schema).toList());
            if (!problems.isEmpty()) {
                throw new SchemaRegistryException(409, INCOMPATIBLE_SCHEMA, "Schema being registered is incompatible with an earlier"
                        + " schema for subject \"" + subject + "\" (" + state.levelFor(subject) + "): " + String.join("; ", problems));
            }
            int version = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
            next = new SchemaLogRecord.SchemaVersion(subject, version, state.idFor(schema), schema.toString(), false);
        }
        append(next);
        return next.id();
    }

    public RegisteredSchema lookup(String subject, String schemaText) {
        Schema schema = parse(schemaText);
        synchronized (state) {
            return existingVersions(subject).stream().filter(v -> v.schema().equals(schema)).findFirst()
                    .orElseThrow(() -> new SchemaRegistryException(404, SCHEMA_NOT_FOUND, "Schema not found under subject " + subject));
        }
    }

    public Schema schemaById(int id) {
        synchronized (state) {
            return state.schema(id).orElseThrow(() -> new SchemaRegistryException(404, SCHEMA_NOT_FOUND, "Schema " + id + " not found"));
        }
    }

    /** The (subject, version) pairs that use schema {@code id}. */
    public List<RegisteredSchema> versionsOf(int id) {
        schemaById(id);
        synchronized (state) {
            return state.versionsOf(id);
        }
    }

    public List<String> subjects() {
        synchronized (state) {
            return state.subjects();
        }
    }

    public List<Integer> versions(String subject) {
        synchronized (state) {
            return existingVersions(subject).stream().map(RegisteredSchema::version).toList();
        }
    }

    /** A version by number, or {@code latest} / {@code -1}. */
    public RegisteredSchema version(String subject, String version) {
        synchronized (state) {
            List<RegisteredSchema> versions = existingVersions(subject);
            if (isLatest(version)) {
                return versions.get(versions.size() - 1);
            }
            int number = versionNumber(version);
            return versions.stream().filter(v -> v.version() == number).findFirst()
                    .orElseThrow(() -> new SchemaRegistryException(404, VERSION_NOT_FOUND, "Version " + version + " not found"));
        }
    }

    /**
     * Why {@code schemaText} could not follow {@code version} of {@code subject} under its level;
     * against {@code latest} the transitive levels check every version. Empty when it could.
     */
    public List<String> compatibilityProblems(String subject, String version, String schemaText) {
        Schema schema = parse(schemaText);
        synchronized (state) {
            CompatibilityLevel level = state.levelFor(subject);
            List<Schema> against = isLatest(version)
                    ? state.versions(subject).stream().map(RegisteredSchema::schema).toList()
                    : List.of(version(subject, version).schema());
            return level.incompatibilities(schema, against);
        }
    }

    public CompatibilityLevel globalLevel() {
        synchronized (state) {
            return state.globalLevel();
        }
    }

    public Optional<CompatibilityLevel> subjectLevel(String subject) {
        synchronized (state) {
            return state.subjectLevel(subject);
        }
    }

    /** Sets the level of {@code subject}, or the global level when it is null. */
    public synchronized void setLevel(String subject, CompatibilityLevel level) {
        append(new SchemaLogRecord.Config(subject, level));
    }

    private List<RegisteredSchema> existingVersions(String subject) {
        List<RegisteredSchema> versions = state.versions(subject);
        if (versions.isEmpty()) {
            throw new SchemaRegistryException(404, SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
        }
        return versions;
    }

    private void append(SchemaLogRecord record) {
        topicLog.append(SchemaLogRecord.key(record), SchemaLogRecord.value(record), TIMEOUT);
    }

    private static boolean isLatest(String version) {
        return version.equals("latest") || version.equals("-1");
    }

    private static int versionNumber(String version) {
        try {
            int number = Integer.parseInt(version);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below, as the registry does
        }
        throw new SchemaRegistryException(422, INVALID_VERSION,
                "The specified version '" + version + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    private static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw new SchemaRegistryException(422, INVALID_SCHEMA, "Empty schema");
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (AvroRuntimeException e) {
            throw new SchemaRegistryException(422, INVALID_SCHEMA, "Invalid schema: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        topicLog.close();
    }
}
