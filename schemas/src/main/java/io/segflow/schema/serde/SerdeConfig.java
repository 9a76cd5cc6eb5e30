package io.segflow.schema.serde;

import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.schema.registry.SchemaRegistryClient;

import java.util.Map;

/** Settings the wire-format serde reads when Kafka instantiates it from class names. */
public final class SerdeConfig {
    /** Base URL of the Schema Registry, as in Confluent's serializers. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Register the record's schema when it has no id yet (default true); else only look it up. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Deserialize into the generated class named by the writer schema (default false: GenericRecord). */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

    private SerdeConfig() {
    }

    static SchemaRegistryClient client(Map<String, ?> configs) {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new IllegalArgumentException("missing required serde setting " + SCHEMA_REGISTRY_URL);
        }
        return new RestSchemaRegistryClient(url.toString());
    }

    static boolean flag(Map<String, ?> configs, String key, boolean defaultValue) {
        Object value = configs.get(key);
        return value == null ? defaultValue : Boolean.parseBoolean(value.toString());
    }
}
