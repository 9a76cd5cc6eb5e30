package io.segflow.schema.dml;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Vectors travel as Avro {@code bytes} holding little-endian float32 values: far cheaper to
 * encode and decode than {@code array<float>}, and the layout numpy's {@code tobytes()} gives.
 */
public final class Vectors {
    private Vectors() {
    }

    public static ByteBuffer toBytes(float[] vector) {
        ByteBuffer buffer = ByteBuffer.allocate(vector.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buffer.asFloatBuffer().put(vector);
        return buffer;
    }

    /** Decodes without moving the buffer's position. */
    public static float[] toFloats(ByteBuffer bytes) {
        if (bytes.remaining() % Float.BYTES != 0) {
            throw new IllegalArgumentException("vector of " + bytes.remaining() + " bytes is not a whole number of float32 values");
        }
        float[] vector = new float[bytes.remaining() / Float.BYTES];
        bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }
}
