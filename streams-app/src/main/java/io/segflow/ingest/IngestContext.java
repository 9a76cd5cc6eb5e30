package io.segflow.ingest;

import io.segflow.metrics.IngestMetrics;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.storage.SegmentUploader;

import java.util.function.Supplier;

/**
 * What every channel task of a collection shares.
 *
 * @param spec the collection's current spec; a new revision (field, partition) applies from the next record
 */
public record IngestContext(String collection, Supplier<CollectionSpec> spec, SchemaRegistryClient registry,
                            IngestSettings settings, SegmentUploader uploader, IngestMetrics metrics, FlushTracker flushes) {
}
