package io.segflow.ingest;

/** Names of the ingest task's state stores (RocksDB; all but the row store changelogged). */
public final class IngestStores {
    /**
     * (segment id, position) → growing row: a {@link io.segflow.segment.RowStore}. Not changelogged:
     * {@code C.dml} already holds every row, so a task that starts replays the rows of its unflushed
     * segments from there.
     */
    public static final String ROWS = "rows";
    /** position → primary key of a buffered delete. */
    public static final String L0 = "l0-buffer";
    /** segment id → SegmentInfo: every segment of the channel, in any state. */
    public static final String SEGMENTS = "segments";
    /** task id → CompactionEntry: the coordinator's record of each compaction task it planned. */
    public static final String COMPACTIONS = "compactions";
    /** Counters and markers: the segment counter, the L0 cut, pending flush barriers. */
    public static final String META = "meta";

    private IngestStores() {
    }
}
