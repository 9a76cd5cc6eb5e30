package io.segflow.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segflow.schema.registry.CompatibilityLevel;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A record of the {@code _schemas} topic, in the JSON layout of Confluent's registry: a SCHEMA
 * record registers one version of a subject; a CONFIG record sets the compatibility level of a
 * subject, or the global one when its subject is null.
 */
sealed interface SchemaLogRecord {
    ObjectMapper JSON = new ObjectMapper();

    record SchemaVersion(String subject, int version, int id, String schema, boolean deleted) implements SchemaLogRecord {
    }

    record Config(String subject, CompatibilityLevel level) implements SchemaLogRecord {
    }

    /** A record this registry does not act on (NOOP, DELETE_SUBJECT, other schema types...). */
    record Ignored(String keyType) implements SchemaLogRecord {
    }

    static byte[] key(SchemaLogRecord record) {
        ObjectNode key = JSON.createObjectNode();
        if (record instanceof SchemaVersion v) {
            key.put("keytype", "SCHEMA").put("subject", v.subject()).put("version", v.version()).put("magic", 1);
        } else if (record instanceof Config c) {
            key.put("keytype", "CONFIG").put("subject", c.subject()).put("magic", 0);
        } else {
            throw new IllegalArgumentException("not written: " + record);
        }
        return write(key);
    }

    static byte[] value(SchemaLogRecord record) {
        ObjectNode value = JSON.createObjectNode();
        if (record instanceof SchemaVersion v) {
            value.put("subject", v.subject()).put("version", v.version()).put("id", v.id())
                    .put("schema", v.schema()).put("deleted", v.deleted());
        } else if (record instanceof Config c) {
            value.put("compatibilityLevel", c.level().name());
        } else {
            throw new IllegalArgumentException("not written: " + record);
        }
        return write(value);
    }

    static SchemaLogRecord read(byte[] keyBytes, byte[] valueBytes) {
        JsonNode key = parse(keyBytes);
        String keyType = key.path("keytype").asText();
        String subject = key.path("subject").isNull() ? null : key.path("subject").asText(null);
        if (keyType.equals("CONFIG")) {
            return valueBytes == null ? new Config(subject, null)
                    : new Config(subject, CompatibilityLevel.valueOf(parse(valueBytes).path("compatibilityLevel").asText()));
        }
        if (!keyType.equals("SCHEMA")) {
            return new Ignored(keyType);
        }
        if (valueBytes == null) {
            return new SchemaVersion(subject, key.path("version").asInt(), -1, null, true);
        }
        JsonNode value = parse(valueBytes);
        if (!value.path("schemaType").asText("AVRO").equals("AVRO")) {
            return new Ignored("SCHEMA " + value.path("schemaType").asText());
        }
        return new SchemaVersion(value.path("subject").asText(), value.path("version").asInt(), value.path("id").asInt(),
                value.path("schema").asText(), value.path("deleted").asBoolean(false));
    }

    private static JsonNode parse(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON record of the schemas topic", e);
        }
    }

    private static byte[] write(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
