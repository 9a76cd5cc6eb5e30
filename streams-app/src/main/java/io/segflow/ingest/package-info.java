/**
 * The topology of a collection, one Kafka Streams application, exactly-once. One
 * {@link io.segflow.ingest.ChannelTask} per channel reads {@code C.dml} and
 * {@code C.compaction-results} as typed {@link io.segflow.ingest.ChannelInput}s and dispatches
 * them: DML to the {@link io.segflow.ingest.IngestStep} (growing segments, the L0 buffer, seals,
 * uploads off the stream thread, bad input to {@code C.dlq}), requests and results to the
 * channel's compaction coordinator; its ticks also drive garbage collection.
 */
package io.segflow.ingest;
