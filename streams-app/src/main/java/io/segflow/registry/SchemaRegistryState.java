package io.segflow.registry;

import io.segflow.schema.registry.CompatibilityLevel;
import io.segflow.schema.registry.RegisteredSchema;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the {@code _schemas} topic says, folded into maps. Built only by {@link #apply}, in log
 * order, so a restart that replays the topic arrives at the same state. Not thread-safe: the
 * service guards it.
 */
final class SchemaRegistryState {
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<Schema, Integer> idsBySchema = new HashMap<>();
    private final Map<String, TreeMap<Integer, RegisteredSchema>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private final CompatibilityLevel defaultLevel;
    private CompatibilityLevel globalLevel;
    private int maxId;

    SchemaRegistryState(CompatibilityLevel defaultLevel) {
        this.defaultLevel = defaultLevel;
        this.globalLevel = defaultLevel;
    }

    void apply(SchemaLogRecord record) {
        if (record instanceof SchemaLogRecord.SchemaVersion v) {
            applyVersion(v);
        } else if (record instanceof SchemaLogRecord.Config c) {
            if (c.subject() == null) {
                globalLevel = c.level() == null ? defaultLevel : c.level();
            } else if (c.level() == null) {
                subjectLevels.remove(c.subject());
            } else {
                subjectLevels.put(c.subject(), c.level());
            }
        }
    }

    private void applyVersion(SchemaLogRecord.SchemaVersion v) {
        if (v.deleted()) {
            TreeMap<Integer, RegisteredSchema> versions = subjects.get(v.subject());
            if (versions != null) {
                versions.remove(v.version());
                if (versions.isEmpty()) {
                    subjects.remove(v.subject());
                }
            }
            return;
        }
        Schema schema = new Schema.Parser().parse(v.schema());
        schemasById.put(v.id(), schema);
        idsBySchema.putIfAbsent(schema, v.id());
        maxId = Math.max(maxId, v.id());
        subjects.computeIfAbsent(v.subject(), s -> new TreeMap<>())
                .put(v.version(), new RegisteredSchema(v.subject(), v.version(), v.id(), schema));
    }

    Optional<Schema> schema(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    /** The id {@code schema} has under any subject, or a new one. */
    int idFor(Schema schema) {
        return idsBySchema.getOrDefault(schema, maxId + 1);
    }

    List<String> subjects() {
        return List.copyOf(subjects.keySet());
    }

    /** Versions of {@code subject}, oldest first; empty if it has none. */
    List<RegisteredSchema> versions(String subject) {
        TreeMap<Integer, RegisteredSchema> versions = subjects.get(subject);
        return versions == null ? List.of() : new ArrayList<>(versions.values());
    }

    List<RegisteredSchema> versionsOf(int id) {
        return subjects.values().stream().flatMap(v -> v.values().stream()).filter(r -> r.id() == id).toList();
    }

    CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    CompatibilityLevel levelFor(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }
}
