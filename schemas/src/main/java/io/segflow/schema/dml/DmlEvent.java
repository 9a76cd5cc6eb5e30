package io.segflow.schema.dml;

import io.segflow.schema.DmlOp;
import io.segflow.schema.serde.RecordSource;
import org.apache.avro.generic.GenericRecord;

import java.nio.ByteBuffer;
import java.util.function.Supplier;

/**
 * A validated DML event. {@link #pk()} is a {@link Long} or a {@link String}; {@link #vector()} is
 * null on DELETE; {@link #record()} is the value in the shape of the collection's current schema,
 * decoded when first asked for, from which scalar fields are read. Its position is
 * {@link #source()}'s (partition, offset).
 */
public final class DmlEvent {
    private final DmlOp op;
    private final Object pk;
    private final String partition;
    private final ByteBuffer vector;
    private final RecordSource source;
    private Supplier<GenericRecord> decode;
    private GenericRecord record;

    DmlEvent(DmlOp op, Object pk, String partition, ByteBuffer vector, RecordSource source, Supplier<GenericRecord> decode) {
        this.op = op;
        this.pk = pk;
        this.partition = partition;
        this.vector = vector;
        this.source = source;
        this.decode = decode;
    }

    public DmlOp op() {
        return op;
    }

    public Object pk() {
        return pk;
    }

    public String partition() {
        return partition;
    }

    public ByteBuffer vector() {
        return vector == null ? null : vector.duplicate();
    }

    public RecordSource source() {
        return source;
    }

    public GenericRecord record() {
        if (record == null) {
            record = decode.get();
            decode = null;
        }
        return record;
    }

    public float[] vectorValues() {
        return vector == null ? null : Vectors.toFloats(vector);
    }

    /** A scalar field's value (Avro strings as {@link String}), or null. */
    public Object scalar(String field) {
        return PrimaryKeys.plain(record().get(field));
    }

    @Override
    public String toString() {
        return op + " " + pk + " in " + partition + " at " + source;
    }
}
