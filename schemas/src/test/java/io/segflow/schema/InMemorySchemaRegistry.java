package io.segflow.schema;

import io.segflow.schema.registry.RegisteredSchema;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.schema.registry.SchemaRegistryException;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A registry held in memory, for pure serde tests only; the REST client and the embedded
 * registry are tested against each other in the streams-app module.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {
    private final List<Schema> byId = new ArrayList<>();
    private final Map<String, List<Integer>> subjects = new HashMap<>();

    @Override
    public synchronized int register(String subject, Schema schema) {
        Optional<RegisteredSchema> existing = lookup(subject, schema);
        if (existing.isPresent()) {
            return existing.get().id();
        }
        int id = byId.indexOf(schema) >= 0 ? byId.indexOf(schema) + 1 : add(schema);
        subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
        return id;
    }

    @Override
    public synchronized Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        List<Integer> ids = subjects.getOrDefault(subject, List.of());
        for (int version = 1; version <= ids.size(); version++) {
            int id = ids.get(version - 1);
            if (schemaById(id).equals(schema)) {
                return Optional.of(new RegisteredSchema(subject, version, id, schema));
            }
        }
        return Optional.empty();
    }

    @Override
    public synchronized Schema schemaById(int id) {
        if (id < 1 || id > byId.size()) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
        }
        return byId.get(id - 1);
    }

    @Override
    public synchronized RegisteredSchema latest(String subject) {
        List<Integer> ids = subjects.get(subject);
        if (ids == null) {
            throw new SchemaRegistryException(404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject " + subject + " not found");
        }
        return new RegisteredSchema(subject, ids.size(), ids.get(ids.size() - 1), schemaById(ids.get(ids.size() - 1)));
    }

    private int add(Schema schema) {
        byId.add(schema);
        return byId.size();
    }
}
