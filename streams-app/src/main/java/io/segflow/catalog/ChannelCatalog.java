package io.segflow.catalog;

import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The metadata of one channel's segments, and its only writer: the ingest step, the compaction
 * coordinator and garbage collection change it through {@link #apply}, which checks each state
 * move against {@link SegmentTransitions}, writes the {@code segments} store (changelogged, in the
 * task's transaction) and tells the {@link Publisher} of every Flushed or Dropped segment and of
 * every one that leaves, for {@code C.segments}. What it hands out are copies: a caller changes a
 * segment only by applying a change, never by editing what it was given.
 */
public final class ChannelCatalog {
    /** Where settled segments go: {@code C.segments}, a compacted topic (a null segment is a tombstone). */
    public interface Publisher {
        void publish(long id, SegmentInfo segmentOrNull);
    }

    private final KeyValueStore<Long, SegmentInfo> store;
    private final Publisher publisher;
    private final Map<Long, SegmentInfo> byId = new TreeMap<>();
    private final Map<SegmentState, Set<Long>> byState = new EnumMap<>(SegmentState.class);
    /** Copies of the Flushed and Dropped segments, made again only after one of them changes; null until asked for. */
    private List<SegmentInfo> settled;

    public ChannelCatalog(KeyValueStore<Long, SegmentInfo> store, Publisher publisher) {
        this.store = store;
        this.publisher = publisher;
        for (SegmentState state : SegmentState.values()) {
            byState.put(state, new TreeSet<>());
        }
    }

    /**
     * Loads the store after a task start. A segment left Flushing by a crash goes back to Sealed:
     * its upload is done again (its objects, if any, are overwritten or collected as orphans).
     */
    public void restore() {
        try (KeyValueIterator<Long, SegmentInfo> all = store.all()) {
            all.forEachRemaining(kv -> index(kv.value));
        }
        for (SegmentInfo flushing : inState(SegmentState.FLUSHING)) {
            flushing.setState(SegmentState.SEALED);
            apply(CatalogChange.put(flushing));
        }
    }

    public void apply(List<CatalogChange> changes) {
        changes.forEach(this::apply);
    }

    public void apply(CatalogChange change) {
        if (change instanceof CatalogChange.Put put) {
            put(copy(put.segment()));
        } else if (change instanceof CatalogChange.Forget forget) {
            forget(forget.id());
        }
    }

    private void put(SegmentInfo next) {
        SegmentInfo current = byId.get(next.getId());
        if (current == null) {
            SegmentTransitions.checkBirth(next.getId(), next.getLevel(), next.getState());
        } else {
            SegmentTransitions.check(next.getId(), current.getState(), next.getState());
            byState.get(current.getState()).remove(current.getId());
            settledChanged(current.getState());
        }
        settledChanged(next.getState());
        index(next);
        store.put(next.getId(), next);
        if (next.getState() == SegmentState.FLUSHED || next.getState() == SegmentState.DROPPED) {
            publisher.publish(next.getId(), copy(next));
        }
    }

    private void forget(long id) {
        SegmentInfo current = byId.get(id);
        if (current == null) {
            return;
        }
        SegmentTransitions.checkForget(id, current.getState());
        byId.remove(id);
        byState.get(current.getState()).remove(id);
        settledChanged(current.getState());
        store.delete(id);
        publisher.publish(id, null);
    }

    private void index(SegmentInfo segment) {
        byId.put(segment.getId(), segment);
        byState.get(segment.getState()).add(segment.getId());
        settledChanged(segment.getState());
    }

    private void settledChanged(SegmentState state) {
        if (state == SegmentState.FLUSHED || state == SegmentState.DROPPED) {
            settled = null;
        }
    }

    /**
     * The Flushed and Dropped segments (what garbage collection and the compaction backpressure
     * weigh), by state then id. Copied once per change of one of them, not per call: growing
     * segments change at every checkpoint, settled ones only at a flush, a commit or a collection,
     * and a channel may hold thousands. The copies are shared: read them, never change them.
     */
    public List<SegmentInfo> settled() {
        if (settled == null) {
            List<SegmentInfo> copies = new ArrayList<>();
            for (SegmentState state : List.of(SegmentState.FLUSHED, SegmentState.DROPPED)) {
                byState.get(state).forEach(id -> copies.add(copy(byId.get(id))));
            }
            settled = List.copyOf(copies);
        }
        return settled;
    }

    /** A copy of segment {@code id}'s metadata, if the catalog holds it. */
    public Optional<SegmentInfo> get(long id) {
        return Optional.ofNullable(byId.get(id)).map(ChannelCatalog::copy);
    }

    /** Copies of the segments in {@code state}, by id. */
    public List<SegmentInfo> inState(SegmentState state) {
        return select(state, s -> true);
    }

    /** Copies of the segments in {@code state} of {@code level}, by id. */
    public List<SegmentInfo> inState(SegmentState state, SegmentLevel level) {
        return select(state, s -> s.getLevel() == level);
    }

    /** How many segments are in each state and level, and their bytes; reads no copy. */
    public SegmentTally tally() {
        return SegmentTally.of(byId.values());
    }

    /** Copies of every segment, by id. */
    public List<SegmentInfo> all() {
        return byId.values().stream().map(ChannelCatalog::copy).toList();
    }

    /** How many segments are in {@code state}: constant time, as backpressure asks for every record. */
    public int count(SegmentState state) {
        return byState.get(state).size();
    }

    /**
     * The smallest position a segment not yet flushed holds (only L1 ones, whose rows are in the
     * row store, if {@code rowsOnly}), or {@link Long#MAX_VALUE}. Cheap: reads no copy.
     */
    public long minUnflushedPosition(boolean rowsOnly) {
        long min = Long.MAX_VALUE;
        for (SegmentState state : SegmentGroups.UNFLUSHED) {
            for (long id : byState.get(state)) {
                SegmentInfo segment = byId.get(id);
                if (!rowsOnly || segment.getLevel() != SegmentLevel.L0) {
                    min = Math.min(min, segment.getMinPosition());
                }
            }
        }
        return min;
    }

    /** Ids of the segments not yet flushed: their files may be being written. */
    public Set<Long> unflushedIds() {
        Set<Long> ids = new TreeSet<>();
        SegmentGroups.UNFLUSHED.forEach(state -> ids.addAll(byState.get(state)));
        return ids;
    }

    private List<SegmentInfo> select(SegmentState state, Predicate<SegmentInfo> filter) {
        List<SegmentInfo> found = new ArrayList<>();
        for (long id : byState.get(state)) {
            SegmentInfo segment = byId.get(id);
            if (filter.test(segment)) {
                found.add(copy(segment));
            }
        }
        return found;
    }

    /** The groups readers and planners need, from this catalog's segments. */
    public SegmentGroups groups() {
        return SegmentGroups.of(all());
    }

    private static SegmentInfo copy(SegmentInfo segment) {
        return SegmentInfo.newBuilder(segment).build();
    }
}
