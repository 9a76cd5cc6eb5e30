package io.segflow.connect;

import io.segflow.schema.DmlOp;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.serde.BadInputReason;
import io.segflow.schema.serde.DeadLetterHeaders;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.Headers;
import org.apache.kafka.connect.transforms.Transformation;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A single message transform from Debezium change events to a collection's DML: create, read
 * and update become UPSERT (Debezium delivers at least once, and a second INSERT of a key would
 * make a second row), delete becomes DELETE of the key in {@code before} or in the record key,
 * tombstones are dropped, truncate fails the task or is skipped ({@code truncate}). A primary-key
 * change, which Debezium sends as a delete of the old key and a create of the new one, so becomes
 * DELETE old and UPSERT new. The record goes to {@code <collection>.dml} with the primary key as
 * its key. An event that cannot become DML (no vector on an upsert, a vector that is not float
 * values or has the wrong dimension, no primary key, not a change event) goes to the collection's
 * dead-letter topic with its reason in Segflow's dead-letter headers, never dropped: a source
 * connector has no dead-letter queue of Connect's own.
 */
public class DebeziumToDml<R extends ConnectRecord<R>> implements Transformation<R>, Versioned {
    public static final String COLLECTION = "collection";
    public static final String PK_FIELD = "pk.field";
    public static final String VECTOR_FIELD = "vector.field";
    public static final String VECTOR_DIM = "vector.dim";
    public static final String FIELDS = "fields";
    public static final String PARTITION = "partition";
    public static final String PARTITION_FIELD = "partition.field";
    public static final String TRUNCATE = "truncate";
    public static final String DLQ_TOPIC = "dlq.topic";

    public static final ConfigDef CONFIG = new ConfigDef()
            .define(COLLECTION, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The collection C the changes go to: every record's topic becomes C.dml.")
            .define(PK_FIELD, Type.STRING, "", Importance.HIGH,
                    "The column holding the primary key (an integer or a string). Empty: the single field of the Debezium key.")
            .define(VECTOR_FIELD, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(), Importance.HIGH,
                    "The column holding the vector: a float array (PostgreSQL real[]), Debezium's FloatVector or DoubleVector"
                            + " (pgvector's vector), little-endian float32 bytes, or a text like [1.0,2.0].")
            .define(VECTOR_DIM, Type.INT, 0, ConfigDef.Range.atLeast(0), Importance.MEDIUM,
                    "The collection's dimension, so that a vector of another length goes to the dead-letter topic with its source"
                            + " context here; 0 leaves the check to Segflow's ingest, which dead-letters it as WRONG_VECTOR_LENGTH.")
            .define(FIELDS, Type.LIST, "", Importance.MEDIUM,
                    "Renames, source:target. Columns are kept under their names otherwise; the converter keeps those the"
                            + " collection has and ignores the rest.")
            .define(PARTITION, Type.STRING, "", Importance.LOW,
                    "The collection partition every row goes to (empty: _default, unless partition.field is set).")
            .define(PARTITION_FIELD, Type.STRING, "", Importance.LOW, "A column naming each row's partition.")
            .define(TRUNCATE, Type.STRING, "error", ConfigDef.ValidString.in("error", "skip"), Importance.MEDIUM,
                    "A truncate event: error (fail the record, so the task stops unless errors.tolerance says otherwise) or skip.")
            .define(DLQ_TOPIC, Type.STRING, "", Importance.MEDIUM,
                    "Where events that cannot become DML go, with segflow.error.* headers; empty: C.dlq.");

    private static final String DML_SCHEMA = "io.segflow.connect.Dml";
    /** A delete's value has no scalars: one schema per key type, built once. */
    private static final Schema DELETE_INT64 = dmlSchema(0L).build();
    private static final Schema DELETE_STRING = dmlSchema("").build();

    private String topic;
    private String deadLetterTopic;
    private String pkField;
    private String vectorField;
    private int dim;
    private Map<String, String> renames;
    private String partition;
    private String partitionField;
    private boolean skipTruncate;
    /** Output schemas by the source row schema: a table's rows share one. */
    private final Map<Schema, Schema> upsertSchemas = new ConcurrentHashMap<>();

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public String version() {
        return PluginVersion.VERSION;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        AbstractConfig config = new AbstractConfig(CONFIG, configs);
        String collection = config.getString(COLLECTION);
        topic = DmlSchemas.dmlTopic(collection);
        deadLetterTopic = config.getString(DLQ_TOPIC).isBlank() ? collection + SegflowDmlConverter.DEAD_LETTER_SUFFIX
                : config.getString(DLQ_TOPIC);
        pkField = config.getString(PK_FIELD);
        vectorField = config.getString(VECTOR_FIELD);
        dim = config.getInt(VECTOR_DIM);
        renames = new HashMap<>();
        for (String rename : config.getList(FIELDS)) {
            String[] parts = rename.split(":", -1);
            if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new ConfigException(FIELDS, rename, "a rename is source:target");
            }
            renames.put(parts[0].strip(), parts[1].strip());
        }
        partition = config.getString(PARTITION).isBlank() ? DmlSchemas.DEFAULT_PARTITION : config.getString(PARTITION);
        partitionField = config.getString(PARTITION_FIELD);
        skipTruncate = config.getString(TRUNCATE).equals("skip");
    }

    @Override
    public R apply(R record) {
        if (record.value() == null) {
            return null;
        }
        if (!(record.value() instanceof Struct envelope) || envelope.schema().field("op") == null) {
            return deadLetter(record, null, BadInputReason.NOT_A_CHANGE_EVENT, "not a Debezium change event: no op field");
        }
        String op = envelope.getString("op");
        try {
            return switch (op == null ? "" : op) {
                case "c", "r", "u" -> upsert(record, row(envelope, "after"));
                case "d" -> delete(record, row(envelope, "before"));
                case "t" -> {
                    if (skipTruncate) {
                        yield null;
                    }
                    throw new DataException("a truncate of " + record.topic() + " cannot be applied to collection " + topic
                            + " row by row; set truncate=skip to pass it by");
                }
                default -> deadLetter(record, null, BadInputReason.NOT_A_CHANGE_EVENT, "unknown op " + op);
            };
        } catch (Refused refused) {
            return deadLetter(record, refused.pk, refused.reason, refused.getMessage());
        }
    }

    /** Why an event cannot become DML, and its primary key if it has one. */
    private static final class Refused extends RuntimeException {
        private final BadInputReason reason;
        private final transient Object pk;

        Refused(BadInputReason reason, Object pk, String message) {
            super(message, null, false, false);
            this.reason = reason;
            this.pk = pk;
        }
    }

    private static Struct row(Struct envelope, String side) {
        return envelope.schema().field(side) == null ? null : envelope.getStruct(side);
    }

    private R upsert(R record, Struct after) {
        if (after == null) {
            throw new Refused(BadInputReason.NOT_A_CHANGE_EVENT, null, "a create or update without an after row");
        }
        Object pk = pk(record, after);
        Object rawVector = after.schema().field(vectorField) == null ? null : after.get(vectorField);
        if (rawVector == null) {
            throw new Refused(BadInputReason.MISSING_VECTOR, pk, "an upsert of key " + pk + " without a vector in " + vectorField);
        }
        List<Float> vector = vector(rawVector, pk);
        if (dim > 0 && vector.size() != dim) {
            throw new Refused(BadInputReason.WRONG_VECTOR_LENGTH, pk, "a vector of " + vector.size() + " values for key " + pk
                    + "; the collection's dimension is " + dim);
        }
        Schema schema = upsertSchemas.computeIfAbsent(after.schema(), rowSchema -> upsertSchema(rowSchema, pk));
        Struct value = new Struct(schema).put(DmlSchemas.OP, DmlOp.UPSERT.name()).put(DmlSchemas.PK, pk)
                .put(DmlSchemas.PARTITION, partition(after)).put(DmlSchemas.VECTOR, vector);
        for (Field field : after.schema().fields()) {
            String target = scalarName(field.name());
            if (target != null && schema.field(target) != null) {
                value.put(target, scalar(after.get(field)));
            }
        }
        return record.newRecord(topic, null, keySchema(pk), pk, schema, value, record.timestamp(), record.headers());
    }

    private R delete(R record, Struct before) {
        Object pk = pk(record, before);
        Schema schema = deleteSchema(pk);
        Struct value = new Struct(schema).put(DmlSchemas.OP, DmlOp.DELETE.name()).put(DmlSchemas.PK, pk)
                .put(DmlSchemas.PARTITION, before == null ? partition : partition(before));
        return record.newRecord(topic, null, keySchema(pk), pk, schema, value, record.timestamp(), record.headers());
    }

    /** The primary key: {@code pk.field} of the row, else of the key; without it, the key's single field. */
    private Object pk(R record, Struct row) {
        Object pk = null;
        if (!pkField.isEmpty()) {
            if (row != null && row.schema().field(pkField) != null) {
                pk = row.get(pkField);
            } else if (record.key() instanceof Struct key && key.schema().field(pkField) != null) {
                pk = key.get(pkField);
            }
        } else if (record.key() != null) {
            try {
                pk = SegflowKeyConverter.plain(record.key());
            } catch (DataException e) {
                throw new Refused(BadInputReason.MISSING_PK, null, "no primary key: " + e.getMessage() + "; set " + PK_FIELD);
            }
        }
        if (pk == null) {
            throw new Refused(BadInputReason.MISSING_PK, null, "no primary key in " + (pkField.isEmpty() ? "the record key" : pkField));
        }
        try {
            return SegflowKeyConverter.plain(pk);
        } catch (DataException e) {
            throw new Refused(BadInputReason.MISSING_PK, null, e.getMessage());
        }
    }

    private String partition(Struct row) {
        if (partitionField.isEmpty() || row.schema().field(partitionField) == null || row.get(partitionField) == null) {
            return partition;
        }
        return row.get(partitionField).toString();
    }

    /** The DML name of a source column, or null for one that is not a scalar field (key, vector, partition, reserved). */
    private String scalarName(String column) {
        if (column.equals(pkField) || column.equals(vectorField) || column.equals(partitionField)) {
            return null;
        }
        String target = renames.getOrDefault(column, column);
        return DmlSchemas.RESERVED_FIELDS.contains(target) ? null : target;
    }

    private Schema upsertSchema(Schema row, Object pk) {
        SchemaBuilder builder = dmlSchema(pk);
        for (Field field : row.fields()) {
            String target = scalarName(field.name());
            Schema scalar = scalarSchema(field.schema());
            if (target != null && scalar != null && builder.field(target) == null) {
                builder.field(target, scalar);
            }
        }
        return builder.build();
    }

    private static Schema deleteSchema(Object pk) {
        return pk instanceof Long ? DELETE_INT64 : DELETE_STRING;
    }

    private static SchemaBuilder dmlSchema(Object pk) {
        return SchemaBuilder.struct().name(DML_SCHEMA).field(DmlSchemas.OP, Schema.STRING_SCHEMA).field(DmlSchemas.PK, keySchema(pk))
                .field(DmlSchemas.PARTITION, Schema.STRING_SCHEMA)
                .field(DmlSchemas.VECTOR, SchemaBuilder.array(Schema.FLOAT32_SCHEMA).optional().build());
    }

    private static Schema keySchema(Object pk) {
        return pk instanceof Long ? Schema.INT64_SCHEMA : Schema.STRING_SCHEMA;
    }

    /**
     * A scalar column's schema in the DML: its own, optional; decimals as float64, dates and times
     * as int64 millis; null for a column no collection field can hold (bytes, arrays, maps, structs).
     */
    private static Schema scalarSchema(Schema column) {
        if (org.apache.kafka.connect.data.Decimal.LOGICAL_NAME.equals(column.name())) {
            return Schema.OPTIONAL_FLOAT64_SCHEMA;
        }
        if (org.apache.kafka.connect.data.Timestamp.LOGICAL_NAME.equals(column.name())
                || org.apache.kafka.connect.data.Date.LOGICAL_NAME.equals(column.name())
                || org.apache.kafka.connect.data.Time.LOGICAL_NAME.equals(column.name())) {
            return Schema.OPTIONAL_INT64_SCHEMA;
        }
        return switch (column.type()) {
            case INT8 -> Schema.OPTIONAL_INT8_SCHEMA;
            case INT16 -> Schema.OPTIONAL_INT16_SCHEMA;
            case INT32 -> Schema.OPTIONAL_INT32_SCHEMA;
            case INT64 -> Schema.OPTIONAL_INT64_SCHEMA;
            case FLOAT32 -> Schema.OPTIONAL_FLOAT32_SCHEMA;
            case FLOAT64 -> Schema.OPTIONAL_FLOAT64_SCHEMA;
            case BOOLEAN -> Schema.OPTIONAL_BOOLEAN_SCHEMA;
            case STRING -> Schema.OPTIONAL_STRING_SCHEMA;
            default -> null;
        };
    }

    private static Object scalar(Object value) {
        if (value instanceof BigDecimal decimal) {
            return decimal.doubleValue();
        }
        return value instanceof java.util.Date date ? date.getTime() : value;
    }

    /** The vector's values as float32: from a float or double array, float32 bytes or a text such as [1,2] or {1,2}. */
    private static List<Float> vector(Object value, Object pk) {
        List<Float> floats = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object element : list) {
                if (!(element instanceof Number number)) {
                    throw new Refused(BadInputReason.UNSUPPORTED_VECTOR, pk, "vector of key " + pk + " holds " + element + ", not a number");
                }
                floats.add(number.floatValue());
            }
        } else if (value instanceof byte[] || value instanceof ByteBuffer) {
            ByteBuffer bytes = (value instanceof byte[] array ? ByteBuffer.wrap(array) : ((ByteBuffer) value).duplicate())
                    .order(ByteOrder.LITTLE_ENDIAN);
            if (bytes.remaining() % Float.BYTES != 0) {
                throw new Refused(BadInputReason.UNSUPPORTED_VECTOR, pk, "vector of key " + pk + " has " + bytes.remaining()
                        + " bytes, not a whole number of float32 values");
            }
            while (bytes.hasRemaining()) {
                floats.add(bytes.getFloat());
            }
        } else if (value instanceof String text) {
            String inner = text.strip();
            if (inner.length() < 2 || !"[{".contains(inner.substring(0, 1)) || !"]}".contains(inner.substring(inner.length() - 1))) {
                throw new Refused(BadInputReason.UNSUPPORTED_VECTOR, pk, "vector of key " + pk + " is not a list of numbers: " + text);
            }
            inner = inner.substring(1, inner.length() - 1).strip();
            for (String part : inner.isEmpty() ? new String[0] : inner.split(",")) {
                try {
                    floats.add(Float.parseFloat(part.strip()));
                } catch (NumberFormatException e) {
                    throw new Refused(BadInputReason.UNSUPPORTED_VECTOR, pk, "vector of key " + pk + " holds " + part.strip());
                }
            }
        } else {
            throw new Refused(BadInputReason.UNSUPPORTED_VECTOR, pk, "vector of key " + pk + " is a " + value.getClass().getSimpleName()
                    + ", not float values");
        }
        return floats;
    }

    private R deadLetter(R record, Object pk, BadInputReason reason, String message) {
        Headers headers = record.headers().duplicate();
        headers.addString(DeadLetterHeaders.REASON, reason.name()).addString(DeadLetterHeaders.MESSAGE, message)
                .addString(DeadLetterHeaders.TOPIC, record.topic());
        return record.newRecord(deadLetterTopic, null, pk == null ? null : keySchema(pk), pk, record.valueSchema(), record.value(),
                record.timestamp(), headers);
    }

    @Override
    public void close() {
    }
}
