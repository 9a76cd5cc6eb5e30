package io.segflow.catalog;

import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;

import java.util.Collection;

/** How many segments a channel's catalog holds, and their bytes, by state and level: an immutable snapshot for gauges. */
public final class SegmentTally {
    public static final SegmentTally EMPTY = new SegmentTally(new long[cells()], new long[cells()]);

    private final long[] counts;
    private final long[] bytes;

    private SegmentTally(long[] counts, long[] bytes) {
        this.counts = counts;
        this.bytes = bytes;
    }

    public static SegmentTally of(Collection<SegmentInfo> segments) {
        long[] counts = new long[cells()];
        long[] bytes = new long[cells()];
        for (SegmentInfo segment : segments) {
            int cell = cell(segment.getState(), segment.getLevel());
            counts[cell]++;
            bytes[cell] += segment.getBytes();
        }
        return new SegmentTally(counts, bytes);
    }

    public long count(SegmentState state, SegmentLevel level) {
        return counts[cell(state, level)];
    }

    /** The bytes of the segments in {@code state} of {@code level}: buffered while growing, of their files once flushed. */
    public long bytes(SegmentState state, SegmentLevel level) {
        return bytes[cell(state, level)];
    }

    private static int cells() {
        return SegmentState.values().length * SegmentLevel.values().length;
    }

    private static int cell(SegmentState state, SegmentLevel level) {
        return state.ordinal() * SegmentLevel.values().length + level.ordinal();
    }
}
