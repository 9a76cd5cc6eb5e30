package io.segflow.storage;

import java.io.ByteArrayOutputStream;

/** Reads and writes the Avro binary encoding's zig-zag varints in place, for transcoding without decoding. */
final class AvroCursor {
    private final byte[] bytes;
    private int position;

    AvroCursor(byte[] bytes, int position) {
        this.bytes = bytes;
        this.position = position;
    }

    int position() {
        return position;
    }

    long readLong() {
        long raw = 0;
        int shift = 0;
        byte b;
        do {
            b = bytes[position++];
            raw |= (long) (b & 0x7f) << shift;
            shift += 7;
        } while ((b & 0x80) != 0);
        return (raw >>> 1) ^ -(raw & 1);
    }

    /** Skips a {@code bytes} or {@code string}: a length, then that many bytes. */
    void skipBytes() {
        long length = readLong();
        if (length < 0 || position + length > bytes.length) {
            throw new IllegalArgumentException("malformed Avro length " + length + " at " + position);
        }
        position += (int) length;
    }

    static void writeLong(ByteArrayOutputStream out, long value) {
        long raw = (value << 1) ^ (value >> 63);
        while ((raw & ~0x7fL) != 0) {
            out.write((int) ((raw & 0x7f) | 0x80));
            raw >>>= 7;
        }
        out.write((int) raw);
    }
}
