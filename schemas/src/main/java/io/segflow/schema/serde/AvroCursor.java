package io.segflow.schema.serde;

import io.segflow.schema.ScalarType;

import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the Avro binary encoding in place (zig-zag varints, length-prefixed bytes, fixed-size
 * numbers), for validating and transcoding without decoding into objects. Reading past the end
 * throws {@link IllegalArgumentException}.
 */
public final class AvroCursor {
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
    private final byte[] bytes;
    private final int limit;
    private int position;

    public AvroCursor(byte[] bytes, int position) {
        this(bytes, position, bytes.length);
    }

    /** A cursor over {@code bytes} from {@code position} up to {@code limit}, exclusive: a buffer's filled part. */
    public AvroCursor(byte[] bytes, int position, int limit) {
        this.bytes = bytes;
        this.position = position;
        this.limit = limit;
    }

    public int position() {
        return position;
    }

    public boolean atEnd() {
        return position == limit;
    }

    public long readLong() {
        long raw = 0;
        int shift = 0;
        byte b;
        do {
            if (position >= limit || shift > 63) {
                throw new IllegalArgumentException("malformed Avro varint at " + position);
            }
            b = bytes[position++];
            raw |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** Reads an {@code int}: as Avro, at most 5 bytes. */
    public int readInt() {
        int raw = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (position >= limit) {
                throw new IllegalArgumentException("malformed Avro varint at " + position);
            }
            byte b = bytes[position++];
            raw |= (b & 0x7f) << shift;
            if ((b & 0x80) == 0) {
                return (raw >>> 1) ^ -(raw & 1);
            }
        }
        throw new IllegalArgumentException("invalid Avro int encoding at " + position);
    }

    /** Reads the length of a {@code bytes} or {@code string} and checks that many bytes follow. */
    public int readLength() {
        long length = readLong();
        if (length < 0 || length > limit - position) {
            throw new IllegalArgumentException("malformed Avro length " + length + " at " + position);
        }
        return (int) length;
    }

    /** Skips {@code count} bytes of a fixed-size value (float, double, boolean). */
    public void skip(int count) {
        if (count > limit - position) {
            throw new IllegalArgumentException("truncated Avro value at " + position);
        }
        position += count;
    }

    /** Skips a {@code bytes} or {@code string}: a length, then that many bytes. */
    public void skipBytes() {
        int length = readLength();
        position += length;
    }

    public String readString() {
        int length = readLength();
        String value = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    public boolean readBoolean() {
        skip(1);
        return bytes[position - 1] != 0;
    }

    /** Reads a {@code float}: 4 bytes, little-endian. */
    public float readFloat() {
        skip(Float.BYTES);
        return (float) FLOAT.get(bytes, position - Float.BYTES);
    }

    /** Reads a {@code double}: 8 bytes, little-endian. */
    public double readDouble() {
        skip(Double.BYTES);
        return (double) DOUBLE.get(bytes, position - Double.BYTES);
    }

    /** Reads a ["null", T] union's index: true when a value follows. */
    public boolean readNullUnion() {
        int index = readInt();
        if (index != 0 && index != 1) {
            throw new IllegalArgumentException("union index " + index + " out of range");
        }
        return index == 1;
    }

    /** Reads a collection scalar of {@code type}: Boolean, Integer, Long, Float, Double or String. */
    public Object readScalar(ScalarType type) {
        return switch (type) {
            case BOOL -> readBoolean();
            case INT32 -> readInt();
            case INT64 -> readLong();
            case FLOAT -> readFloat();
            case DOUBLE -> readDouble();
            case VARCHAR -> readString();
        };
    }

    public void skipScalar(ScalarType type) {
        switch (type) {
            case BOOL -> skip(1);
            case INT32 -> readInt();
            case INT64 -> readLong();
            case FLOAT -> skip(Float.BYTES);
            case DOUBLE -> skip(Double.BYTES);
            case VARCHAR -> skipBytes();
        }
    }

    /** A copy of the bytes from {@code start} up to the position: a value or row just read. */
    public byte[] copySince(int start) {
        return Arrays.copyOfRange(bytes, start, position);
    }

    public static void writeLong(ByteArrayOutputStream out, long value) {
        long raw = (value << 1) ^ (value >> 63);
        while ((raw & ~0x7fL) != 0) {
            out.write((int) ((raw & 0x7f) | 0x80));
            raw >>>= 7;
        }
        out.write((int) raw);
    }
}
