package io.segflow.storage;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DeltaEntry;
import io.segflow.schema.SegmentLevel;
import io.segflow.segment.StoredRow;

import java.util.List;

/**
 * One segment to write to object storage, taken off the stream thread: an L1 segment's growing
 * rows, or an L0 segment's deletes.
 *
 * @param spec    the collection as it is now; rows written with older schemas resolve to it
 * @param rows    L1 only, in position order
 * @param deletes L0 only
 * @param newerDeletes the newest delete position of a key, or -1; rows a delete already hit are not written
 */
public record FlushJob(CollectionSpec spec, int channel, long segmentId, SegmentLevel level, List<StoredRow> rows,
                       List<DeltaEntry> deletes, DeleteIndex newerDeletes) {

    /** The newest delete of each primary key seen so far in the channel. */
    @FunctionalInterface
    public interface DeleteIndex {
        /** The position of the newest delete of {@code pk} (plain key bytes), or -1 if none. */
        long newestDelete(byte[] pk);
    }
}
