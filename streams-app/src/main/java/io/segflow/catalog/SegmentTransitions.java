package io.segflow.catalog;

import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The legal life of a segment, checked by the channel catalog at every change:
 * <pre>
 *   Growing → Sealed → Flushing → Flushed → Dropped       (rows from C.dml)
 *                        ↳ Sealed                         (a restart re-uploads an unfinished flush)
 *   Importing → Flushed | Dropped                          (bulk import)
 * </pre>
 * A segment is born Growing (an L1 segment taking rows), Sealed (an L0 segment cut from the
 * delete buffer), Flushed (a compaction output, written before its commit) or Importing; it may
 * leave the catalog only once Dropped, when its files are gone. A change that keeps the state
 * (counters of a growing segment, a delta log joining a flushed one) is always legal.
 */
public final class SegmentTransitions {
    private static final Map<SegmentState, Set<SegmentState>> NEXT = Map.of(
            SegmentState.GROWING, EnumSet.of(SegmentState.SEALED),
            SegmentState.SEALED, EnumSet.of(SegmentState.FLUSHING),
            SegmentState.FLUSHING, EnumSet.of(SegmentState.FLUSHED, SegmentState.SEALED),
            SegmentState.FLUSHED, EnumSet.of(SegmentState.DROPPED),
            SegmentState.DROPPED, EnumSet.noneOf(SegmentState.class),
            SegmentState.IMPORTING, EnumSet.of(SegmentState.FLUSHED, SegmentState.DROPPED));

    private SegmentTransitions() {
    }

    /** The states a segment may move to from {@code from}, the state itself not counted. */
    public static Set<SegmentState> next(SegmentState from) {
        return NEXT.get(from);
    }

    /** Whether a segment of {@code level} may enter the catalog in {@code state}. */
    public static boolean canBeBorn(SegmentLevel level, SegmentState state) {
        return switch (state) {
            case GROWING -> level != SegmentLevel.L0;
            case SEALED -> level == SegmentLevel.L0;
            case FLUSHED, IMPORTING -> level != SegmentLevel.L0;
            case FLUSHING, DROPPED -> false;
        };
    }

    /** Throws unless a segment may go from {@code from} to {@code to} (equal states: an update). */
    public static void check(long id, SegmentState from, SegmentState to) {
        if (from != to && !NEXT.get(from).contains(to)) {
            throw new IllegalSegmentChangeException("segment " + id + " cannot go from " + from + " to " + to);
        }
    }

    /** Throws unless segment {@code id} may be born in {@code state}. */
    public static void checkBirth(long id, SegmentLevel level, SegmentState state) {
        if (!canBeBorn(level, state)) {
            throw new IllegalSegmentChangeException("a new " + level + " segment " + id + " cannot start " + state);
        }
    }

    /** Throws unless a segment in {@code state} may leave the catalog. */
    public static void checkForget(long id, SegmentState state) {
        if (state != SegmentState.DROPPED) {
            throw new IllegalSegmentChangeException("segment " + id + " is " + state + ": only a Dropped segment leaves the catalog");
        }
    }
}
