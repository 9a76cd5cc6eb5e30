package io.segflow.schema.serde;

import java.io.ByteArrayOutputStream;

/**
 * Reads the Avro binary encoding in place (zig-zag varints, length-prefixed bytes, fixed-size
 * numbers), for validating and transcoding without decoding into objects. Reading past the end
 * throws {@link IllegalArgumentException}.
 */
public final class AvroCursor {
    private final byte[] bytes;
    private int position;

    public AvroCursor(byte[] bytes, int position) {
        this.bytes = bytes;
        this.position = position;
    }

    public int position() {
        return position;
    }

    public boolean atEnd() {
        return position == bytes.length;
    }

    public long readLong() {
        long raw = 0;
        int shift = 0;
        byte b;
        do {
            if (position >= bytes.length || shift > 63) {
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
            if (position >= bytes.length) {
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
        if (length < 0 || length > bytes.length - position) {
            throw new IllegalArgumentException("malformed Avro length " + length + " at " + position);
        }
        return (int) length;
    }

    /** Skips {@code count} bytes of a fixed-size value (float, double, boolean). */
    public void skip(int count) {
        if (count > bytes.length - position) {
            throw new IllegalArgumentException("truncated Avro value at " + position);
        }
        position += count;
    }

    /** Skips a {@code bytes} or {@code string}: a length, then that many bytes. */
    public void skipBytes() {
        int length = readLength();
        position += length;
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
