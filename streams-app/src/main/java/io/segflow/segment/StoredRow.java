package io.segflow.segment;

import org.apache.kafka.common.utils.Bytes;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A growing row as the row store keeps it. Key: segment id and position, both big-endian, so a
 * segment's rows are one contiguous range in position order. Value: position, event time, the
 * plain primary key and the DML value exactly as produced (wire format), decoded again only at
 * flush, with the collection's schema of that moment.
 */
public record StoredRow(long position, long timestamp, byte[] pk, byte[] dmlValue) {
    private static final int FIXED = Long.BYTES * 2 + Short.BYTES;

    public static Bytes key(long segmentId, long position) {
        return Bytes.wrap(ByteBuffer.allocate(Long.BYTES * 2).putLong(segmentId).putLong(position).array());
    }

    /** First and last key of a segment's range. */
    public static Bytes firstKey(long segmentId) {
        return key(segmentId, 0);
    }

    public static Bytes lastKey(long segmentId) {
        return key(segmentId, Long.MAX_VALUE);
    }

    public byte[] encode() {
        return ByteBuffer.allocate(FIXED + pk.length + dmlValue.length)
                .putLong(position).putLong(timestamp).putShort((short) pk.length).put(pk).put(dmlValue).array();
    }

    public static StoredRow decode(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        long position = buffer.getLong();
        long timestamp = buffer.getLong();
        int pkLength = Short.toUnsignedInt(buffer.getShort());
        byte[] pk = Arrays.copyOfRange(bytes, FIXED, FIXED + pkLength);
        byte[] value = Arrays.copyOfRange(bytes, FIXED + pkLength, bytes.length);
        return new StoredRow(position, timestamp, pk, value);
    }

    /** Bytes the row takes in the store; what growing segments' sizes count. */
    public int storedBytes() {
        return FIXED + pk.length + dmlValue.length;
    }
}
