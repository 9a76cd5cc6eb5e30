package io.segflow.ingest;

import io.segflow.compaction.CompactionParts;
import io.segflow.metrics.IngestMetrics;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.storage.SegmentUploader;

import java.util.Map;
import java.util.function.Supplier;

/**
 * What every channel task of a collection shares.
 *
 * @param spec         the collection's current spec; a new revision (field, partition) applies from the next record
 * @param replayConfig Kafka client settings (with the application's group id) to replay unflushed rows from {@code C.dml}
 * @param fences       what the tasks tell readers of their stores
 * @param compaction   compaction and garbage collection parts
 * @param imports      runs the collection's import jobs beside channel 0's task
 */
public record IngestContext(String collection, Supplier<CollectionSpec> spec, SchemaRegistryClient registry,
                            IngestSettings settings, SegmentUploader uploader, IngestMetrics metrics, FlushTracker flushes,
                            Map<String, Object> replayConfig, ChannelFences fences,
                            CompactionParts compaction, ImportDriver imports) {
}
