package io.segflow.schema.dml;

import io.segflow.schema.PkType;
import org.apache.kafka.common.utils.Utils;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The record key of {@code C.dml}: the primary key in plain form (8-byte big-endian long or
 * UTF-8), never schema-id prefixed, so that every producer's murmur2 partitioner sends a key
 * to the same channel.
 */
public final class PrimaryKeys {
    private PrimaryKeys() {
    }

    public static byte[] encode(Object pk) {
        if (pk instanceof Long value) {
            return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
        }
        if (pk instanceof CharSequence value) {
            return value.toString().getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("a primary key is a Long or a String, not " + (pk == null ? "null" : pk.getClass().getName()));
    }

    /** An Avro string ({@code Utf8}) as a {@link String}; a Long, or any other value, as it is. */
    public static Object plain(Object value) {
        return value instanceof CharSequence text ? text.toString() : value;
    }

    /** Whether {@code key} is the plain encoding of {@code pk}. */
    public static boolean matches(byte[] key, Object pk) {
        return key != null && Arrays.equals(key, encode(pk));
    }

    /** The channel of a key: Kafka's default partitioner, murmur2 of the plain key modulo the channels. */
    public static int channel(byte[] key, int channels) {
        return Utils.toPositive(Utils.murmur2(key)) % channels;
    }

    public static Object decode(PkType type, byte[] key) {
        if (type == PkType.INT64) {
            if (key.length != Long.BYTES) {
                throw new IllegalArgumentException("an INT64 key has 8 bytes, not " + key.length);
            }
            return ByteBuffer.wrap(key).getLong();
        }
        return new String(key, StandardCharsets.UTF_8);
    }
}
