package io.segflow.schema.dml;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;

import java.util.Map;

/** Builds DML values of one collection for producers: the record key is {@link PrimaryKeys#encode}. */
public final class DmlRecords {
    private final Schema schema;
    private final Schema opSchema;

    public DmlRecords(CollectionSpec spec) {
        this.schema = DmlSchemas.forCollection(spec);
        this.opSchema = schema.getField(DmlSchemas.OP).schema();
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
        GenericRecordBuilder builder = new GenericRecordBuilder(schema)
                .set(DmlSchemas.OP, new GenericData.EnumSymbol(opSchema, op.name()))
                .set(DmlSchemas.PK, pk)
                .set(DmlSchemas.PARTITION, partition)
                .set(DmlSchemas.VECTOR, vector == null ? null : Vectors.toBytes(vector));
        scalars.forEach(builder::set);
        return builder.build();
    }
}
