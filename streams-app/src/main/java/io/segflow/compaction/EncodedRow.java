package io.segflow.compaction;

/**
 * An insert-log row as its Avro binary, with the fields a rewrite filters, orders and describes
 * outputs by, read from those bytes: the key as a Long or String, the clustering key's value (null
 * unless the rewrite clusters, or where the row has none) as Integer, Long, Float, Double, Boolean
 * or String.
 */
record EncodedRow(long position, Object pk, long ts, Object clustering, byte[] bytes) {
}
