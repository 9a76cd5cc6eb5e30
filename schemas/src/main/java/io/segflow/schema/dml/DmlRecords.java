package io.segflow.schema.dml;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.util.Arrays;
import java.util.Map;

/**
 * Builds DML values of one collection for producers: the record key is {@link PrimaryKeys#encode}.
 * Records are filled field by field rather than through a builder, which deep-copies every
 * default on each call; unset scalars keep their default, null.
 */
public final class DmlRecords {
    private final Schema schema;
    private final GenericData.EnumSymbol[] ops;
    private final int opField;
    private final int pkField;
    private final int partitionField;
    private final int vectorField;

    public DmlRecords(CollectionSpec spec) {
        this.schema = DmlSchemas.forCollection(spec);
        Schema opSchema = schema.getField(DmlSchemas.OP).schema();
        this.ops = Arrays.stream(DmlOp.values()).map(op -> new GenericData.EnumSymbol(opSchema, op.name()))
                .toArray(GenericData.EnumSymbol[]::new);
        this.opField = schema.getField(DmlSchemas.OP).pos();
        this.pkField = schema.getField(DmlSchemas.PK).pos();
        this.partitionField = schema.getField(DmlSchemas.PARTITION).pos();
        this.vectorField = schema.getField(DmlSchemas.VECTOR).pos();
    }

    public Schema schema() {
        return schema;
    }

    public GenericRecord insert(Object pk, String partition, float[] vector, Map<String, ?> scalars) {
        return row(DmlOp.INSERT, pk, partition, vector, scalars);
    }

    public GenericRecord upsert(Object pk, String partition, float[] vector, Map<String, ?> scalars) {
        return row(DmlOp.UPSERT, pk, partition, vector, scalars);
    }

    public GenericRecord delete(Object pk, String partition) {
        return row(DmlOp.DELETE, pk, partition, null, Map.of());
    }

    private GenericRecord row(DmlOp op, Object pk, String partition, float[] vector, Map<String, ?> scalars) {
        GenericData.Record record = new GenericData.Record(schema);
        record.put(opField, ops[op.ordinal()]);
        record.put(pkField, pk);
        record.put(partitionField, partition);
        record.put(vectorField, vector == null ? null : Vectors.toBytes(vector));
        scalars.forEach(record::put);
        return record;
    }
}
