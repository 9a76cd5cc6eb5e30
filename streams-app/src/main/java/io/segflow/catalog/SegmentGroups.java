package io.segflow.catalog;

import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A channel's segments sorted by what readers and planners need of them: the one place that
 * classifies segments by state and level, for the catalog, the snapshot reader and the dry run.
 *
 * @param flushed       Flushed L1 and L2 segments: rows in object storage
 * @param flushedL0     Flushed L0 segments: deletes in object storage not yet applied everywhere
 * @param unflushedRows Growing, Sealed and Flushing L1 segments: rows still in the row store
 * @param unflushedL0   Sealed and Flushing L0 segments: deletes still in the L0 buffer
 * @param dropped       Dropped segments whose files garbage collection has not removed yet
 * @param importing     segments a bulk import is writing: invisible until it completes
 */
public record SegmentGroups(List<SegmentInfo> flushed, List<SegmentInfo> flushedL0, List<SegmentInfo> unflushedRows,
                            List<SegmentInfo> unflushedL0, List<SegmentInfo> dropped, List<SegmentInfo> importing) {
    /** The states of a segment taken from C.dml and not yet in object storage. */
    public static final Set<SegmentState> UNFLUSHED = EnumSet.of(SegmentState.GROWING, SegmentState.SEALED, SegmentState.FLUSHING);

    public static SegmentGroups of(Iterable<SegmentInfo> segments) {
        List<SegmentInfo> flushed = new ArrayList<>();
        List<SegmentInfo> flushedL0 = new ArrayList<>();
        List<SegmentInfo> unflushedRows = new ArrayList<>();
        List<SegmentInfo> unflushedL0 = new ArrayList<>();
        List<SegmentInfo> dropped = new ArrayList<>();
        List<SegmentInfo> importing = new ArrayList<>();
        for (SegmentInfo s : segments) {
            boolean l0 = s.getLevel() == SegmentLevel.L0;
            List<SegmentInfo> group = switch (s.getState()) {
                case FLUSHED -> l0 ? flushedL0 : flushed;
                case GROWING, SEALED, FLUSHING -> l0 ? unflushedL0 : unflushedRows;
                case DROPPED -> dropped;
                case IMPORTING -> importing;
            };
            group.add(s);
        }
        return new SegmentGroups(flushed, flushedL0, unflushedRows, unflushedL0, dropped, importing);
    }

    /** Every Flushed segment, L0 ones included: what compaction policies plan from. */
    public List<SegmentInfo> allFlushed() {
        return Stream.concat(flushed.stream(), flushedL0.stream()).toList();
    }

    /** Flushed and Dropped segments: what garbage collection decides from. */
    public List<SegmentInfo> settled() {
        return Stream.of(flushed, flushedL0, dropped).flatMap(List::stream).toList();
    }

    /** The first position of a row still in the row store, or {@link Long#MAX_VALUE}. */
    public long minUnflushedRowPosition() {
        return unflushedRows.stream().mapToLong(SegmentInfo::getMinPosition).min().orElse(Long.MAX_VALUE);
    }

    /** The first position of a row or delete not yet flushed, the L0 buffer's pending deletes aside, or {@link Long#MAX_VALUE}. */
    public long minUnflushedPosition() {
        return Stream.concat(unflushedRows.stream(), unflushedL0.stream()).mapToLong(SegmentInfo::getMinPosition).min()
                .orElse(Long.MAX_VALUE);
    }
}
