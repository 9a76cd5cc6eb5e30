package io.segflow.schema.dml;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.schema.FieldSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Derives the Avro schema of a collection's DML value from its spec. The layout is fixed:
 * {@code op}, {@code pk}, {@code partition}, {@code vector}, then the scalar fields in spec order,
 * each {@code ["null", T]} with default null so that adding one is a BACKWARD-compatible change.
 */
public final class DmlSchemas {
    public static final String NAMESPACE = "io.segflow.dml";
    public static final String OP = "op";
    public static final String PK = "pk";
    public static final String PARTITION = "partition";
    public static final String VECTOR = "vector";
    public static final String POSITION = "position";
    public static final String TS = "ts";
    public static final String DEFAULT_PARTITION = "_default";
    public static final String INSERT_LOG_NAMESPACE = "io.segflow.insertlog";
    /** Names a scalar field may not take, since the fixed part of the record uses them. */
    public static final Set<String> RESERVED_FIELDS = Set.of(OP, PK, PARTITION, VECTOR);

    private DmlSchemas() {
    }

    /** Subject of the DML value schema of collection {@code collection} (TopicNameStrategy). */
    public static String subject(String collection) {
        return dmlTopic(collection) + "-value";
    }

    public static String dmlTopic(String collection) {
        return collection + ".dml";
    }

    public static Schema forCollection(CollectionSpec spec) {
        List<Schema.Field> fields = new ArrayList<>();
        fields.add(new Schema.Field(OP, DmlOp.getClassSchema(), "What the event does.", (Object) null));
        fields.add(new Schema.Field(PK, pkSchema(spec.getPkType()), "Primary key; equals the record key.", (Object) null));
        fields.add(new Schema.Field(PARTITION, Schema.create(Schema.Type.STRING), "Milvus partition name.", DEFAULT_PARTITION));
        fields.add(new Schema.Field(VECTOR, nullable(Schema.create(Schema.Type.BYTES)),
                "Little-endian float32 values, exactly 4 x " + spec.getDim() + " bytes; null on DELETE.",
                JsonProperties.NULL_VALUE));
        for (FieldSpec field : spec.getFields()) {
            fields.add(new Schema.Field(field.getName(), nullable(scalarSchema(field.getType())), null, JsonProperties.NULL_VALUE));
        }
        return Schema.createRecord(spec.getName(), "DML event of collection " + spec.getName(), NAMESPACE, false, fields);
    }

    /**
     * Rows of a flushed segment's insert log: {@code position} (the C.dml offset of the row),
     * {@code pk}, {@code ts} (event time), {@code vector}, then the scalar fields as in the DML value.
     */
    public static Schema insertLog(CollectionSpec spec) {
        List<Schema.Field> fields = new ArrayList<>();
        fields.add(new Schema.Field(POSITION, Schema.create(Schema.Type.LONG), "C.dml offset of the row in its channel.", (Object) null));
        fields.add(new Schema.Field(PK, pkSchema(spec.getPkType()), null, (Object) null));
        fields.add(new Schema.Field(TS, Schema.create(Schema.Type.LONG), "Event time: the DML record's timestamp, ms.", (Object) null));
        fields.add(new Schema.Field(VECTOR, Schema.create(Schema.Type.BYTES), "Little-endian float32 values.", (Object) null));
        for (FieldSpec field : spec.getFields()) {
            fields.add(new Schema.Field(field.getName(), nullable(scalarSchema(field.getType())), null, JsonProperties.NULL_VALUE));
        }
        return Schema.createRecord(spec.getName() + "_row", "Insert-log row of collection " + spec.getName(),
                INSERT_LOG_NAMESPACE, false, fields);
    }

    public static Schema pkSchema(PkType type) {
        return Schema.create(type == PkType.INT64 ? Schema.Type.LONG : Schema.Type.STRING);
    }

    public static Schema scalarSchema(ScalarType type) {
        return Schema.create(switch (type) {
            case BOOL -> Schema.Type.BOOLEAN;
            case INT32 -> Schema.Type.INT;
            case INT64 -> Schema.Type.LONG;
            case FLOAT -> Schema.Type.FLOAT;
            case DOUBLE -> Schema.Type.DOUBLE;
            case VARCHAR -> Schema.Type.STRING;
        });
    }

    private static Schema nullable(Schema schema) {
        return Schema.createUnion(Schema.create(Schema.Type.NULL), schema);
    }
}
