/**
 * The ingest topology of a collection: one task per channel reads {@code C.dml}, appends rows to
 * growing segments and deletes to the L0 buffer, seals segments by policy, flushes them to object
 * storage off the stream thread, and publishes Flushed segments to {@code C.segments}. Bad input
 * goes to {@code C.dlq}. One Kafka Streams application per collection, exactly-once.
 */
package io.segflow.ingest;
