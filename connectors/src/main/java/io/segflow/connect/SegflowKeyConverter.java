package io.segflow.connect;

import io.segflow.schema.PkType;
import io.segflow.schema.dml.PrimaryKeys;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;

import java.util.Map;

/**
 * Key converter for {@code C.dml}: the primary key in its plain form (an int64 as 8 big-endian
 * bytes, a string as UTF-8), never schema-id prefixed, so that Connect's producer (murmur2, like
 * every Java producer) sends a key to the channel Segflow expects. It takes an integer, a string,
 * or a struct of one field (a Debezium key); reading, it gives the key back as {@code pk.type}.
 */
public final class SegflowKeyConverter implements Converter, Versioned {
    public static final String PK_TYPE = "pk.type";

    public static final ConfigDef CONFIG = new ConfigDef()
            .define(PK_TYPE, Type.STRING, PkType.INT64.name(), ConfigDef.ValidString.in(PkType.INT64.name(), PkType.VARCHAR.name()),
                    Importance.LOW, "What a key read back is: INT64 (8 big-endian bytes) or VARCHAR (UTF-8). Writing takes either.");

    private PkType pkType = PkType.INT64;

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
        pkType = PkType.valueOf(new AbstractConfig(CONFIG, configs).getString(PK_TYPE));
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        return value == null ? null : PrimaryKeys.encode(plain(value));
    }

    /** A key as the Long or String that {@link PrimaryKeys#encode} takes. */
    static Object plain(Object key) {
        if (key instanceof Struct struct) {
            if (struct.schema().fields().size() != 1) {
                throw new DataException("a key struct has one field, the primary key; this one has " + struct.schema().fields());
            }
            return plain(struct.get(struct.schema().fields().get(0)));
        }
        if (key instanceof Long || key instanceof Integer || key instanceof Short || key instanceof Byte) {
            return ((Number) key).longValue();
        }
        if (key instanceof CharSequence text) {
            return text.toString();
        }
        throw new DataException("a primary key is an integer or a string, not " + (key == null ? "null" : key.getClass().getName()));
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        try {
            Object pk = PrimaryKeys.decode(pkType, value);
            return new SchemaAndValue(pkType == PkType.INT64 ? Schema.INT64_SCHEMA : Schema.STRING_SCHEMA, pk);
        } catch (IllegalArgumentException e) {
            throw new DataException("a key of " + topic + " is not a " + pkType + " primary key: " + e.getMessage(), e);
        }
    }
}
