package io.segflow.imports;

import io.segflow.ingest.ControlRecords;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.storage.ObjectStorage;
import io.segflow.storage.SegmentFiles;

/**
 * What import runners share.
 *
 * @param control     writes the jobs' markers into the channels
 * @param segmentRows an imported segment holds at most this many rows (its insert logs' count at seal)
 */
public record ImportParts(ObjectStorage storage, SchemaRegistryClient registry, ControlRecords control, SegmentFiles files,
                          long segmentRows) {
}
