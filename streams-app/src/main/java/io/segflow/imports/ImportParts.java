package io.segflow.imports;

import io.segflow.fanout.SegmentDescription;
import io.segflow.ingest.ControlRecords;
import io.segflow.storage.ObjectStorage;
import io.segflow.storage.SegmentFiles;

import java.util.List;
import java.util.function.Function;

/**
 * What import runners share.
 *
 * @param control     writes the jobs' markers into the channels
 * @param segmentRows an imported segment holds at most this many rows (its insert logs' count at seal)
 * @param segments    a collection's segments, from every instance: a job completes once its channels show its segments Flushed
 */
public record ImportParts(ObjectStorage storage, ControlRecords control, SegmentFiles files, long segmentRows,
                          Function<String, List<SegmentDescription>> segments) {
}
