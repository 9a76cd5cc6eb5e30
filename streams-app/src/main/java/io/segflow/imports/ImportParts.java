package io.segflow.imports;

import io.segflow.ingest.ControlRecords;
import io.segflow.storage.ObjectStorage;
import io.segflow.storage.SegmentFiles;

import java.util.Map;

/**
 * What import runners share.
 *
 * @param control     writes the jobs' markers into the channels
 * @param segmentRows an imported segment holds at most this many rows (its insert logs' count at seal)
 * @param committed   per channel, the offset of {@code C.dml} the collection's ingest application has committed: a job
 *                    completes once every channel's task has committed its commit marker (and its segments with it)
 */
public record ImportParts(ObjectStorage storage, ControlRecords control, SegmentFiles files, long segmentRows, Committed committed) {
    /** The ingest application's committed offsets of a collection's channels. */
    @FunctionalInterface
    public interface Committed {
        Map<Integer, Long> offsets(String collection) throws Exception;
    }
}
