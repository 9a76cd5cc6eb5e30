package io.segflow.schema.dml;

import io.segflow.schema.DmlOp;
import io.segflow.schema.serde.RecordSource;
import org.apache.avro.generic.GenericRecord;

import java.nio.ByteBuffer;

/**
 * A validated DML event. {@code pk} is a {@link Long} or a {@link String}; {@code vector} is null
 * on DELETE; {@code record} is the value in the shape of the collection's current schema, from
 * which scalar fields are read. Its position is {@code source}'s (partition, offset).
 */
public record DmlEvent(DmlOp op, Object pk, String partition, ByteBuffer vector, GenericRecord record, RecordSource source) {

    public float[] vectorValues() {
        return vector == null ? null : Vectors.toFloats(vector);
    }

    /** A scalar field's value (Avro strings as {@link String}), or null. */
    public Object scalar(String field) {
        Object value = record.get(field);
        return value instanceof CharSequence text ? text.toString() : value;
    }
}
