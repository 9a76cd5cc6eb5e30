package io.segflow.storage;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.FieldSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.dml.DmlSchemas;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * Writes a row straight into the Avro binary of an insert-log row ({@link DmlSchemas#insertLog}),
 * field by field: position, pk, ts, the vector's little-endian float32 bytes, then each scalar as
 * a {@code [null, type]} union. What an import writes instead of a DML value that flush would
 * transcode; the bytes are the same. One instance per thread: it reuses its buffers.
 */
public final class InsertLogEncoder {
    private final PkType pkType;
    private final int dim;
    private final List<FieldSpec> scalars;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    private final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);

    public InsertLogEncoder(CollectionSpec spec) {
        this.pkType = spec.getPkType();
        this.dim = spec.getDim();
        this.scalars = List.copyOf(spec.getFields());
    }

    /** A vector in the insert log's form: its float32 values, little-endian. */
    public static byte[] vector(float[] values) {
        byte[] bytes = new byte[values.length * Float.BYTES];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(values);
        return bytes;
    }

    /**
     * @param pk      Long or String, as the collection's primary key
     * @param vector  the collection's dimensions as little-endian float32 ({@link #vector(float[])}),
     *                written as they are: a NumPy file's rows already have this form
     * @param scalars by field name; absent or null fields are written as null
     */
    public byte[] encode(long position, Object pk, long ts, byte[] vector, Map<String, ?> scalars) {
        if (vector.length != dim * Float.BYTES) {
            throw new IllegalArgumentException("a vector of " + vector.length + " bytes (" + vector.length / Float.BYTES
                    + " dimensions); the collection's have " + dim);
        }
        out.reset();
        try {
            encoder.writeLong(position);
            if (pkType == PkType.INT64) {
                encoder.writeLong((Long) pk);
            } else {
                encoder.writeString((String) pk);
            }
            encoder.writeLong(ts);
            encoder.writeBytes(vector);
            for (FieldSpec field : this.scalars) {
                writeNullable(field.getType(), scalars.get(field.getName()));
            }
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private void writeNullable(ScalarType type, Object value) throws IOException {
        if (value == null) {
            encoder.writeIndex(0);
            return;
        }
        encoder.writeIndex(1);
        switch (type) {
            case BOOL -> encoder.writeBoolean((Boolean) value);
            case INT32 -> encoder.writeInt((Integer) value);
            case INT64 -> encoder.writeLong((Long) value);
            case FLOAT -> encoder.writeFloat((Float) value);
            case DOUBLE -> encoder.writeDouble((Double) value);
            case VARCHAR -> encoder.writeString(value.toString());
        }
    }
}
