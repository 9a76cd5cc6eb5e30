package io.segflow.ingest;

import io.segflow.catalog.CatalogChange;
import io.segflow.catalog.ChannelCatalog;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentState;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A channel task's side of bulk imports: the imports open in the channel (begun, neither
 * committed nor aborted) with their positions, kept in the task's meta store, and the moves of
 * their segments in the catalog. An open import holds back L0 compaction of deletes after its
 * position, as unflushed rows do: those deletes must still meet the imported rows when they
 * become Flushed. Markers of an import that is not open (a resumed job's repeats) change nothing.
 */
final class ChannelImports {
    private static final Logger log = LoggerFactory.getLogger(ChannelImports.class);
    private static final String OPEN_PREFIX = "import.open.";

    private final int channel;
    private final ChannelCatalog catalog;
    private final KeyValueStore<String, Long> meta;
    private final Map<String, Long> open = new HashMap<>();

    ChannelImports(int channel, ChannelCatalog catalog, KeyValueStore<String, Long> meta) {
        this.channel = channel;
        this.catalog = catalog;
        this.meta = meta;
    }

    void restore() {
        try (KeyValueIterator<String, Long> entries = meta.prefixScan(OPEN_PREFIX, new StringSerializer())) {
            while (entries.hasNext()) {
                KeyValue<String, Long> entry = entries.next();
                open.put(entry.key.substring(OPEN_PREFIX.length()), entry.value);
            }
        }
    }

    /** The smallest position of an open import, or {@link Long#MAX_VALUE}. */
    long minOpenPosition() {
        return open.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
    }

    void apply(ImportMarkers.Marker marker, long position, long nowMs) {
        String id = marker.importId();
        switch (marker.step()) {
            case BEGIN -> {
                // A resumed job that had not recorded its positions begins again later: the first position holds the most.
                if (open.putIfAbsent(id, position) == null) {
                    meta.put(OPEN_PREFIX + id, position);
                }
            }
            case SEGMENT -> add(id, marker.segment());
            case COMMIT -> finish(id, SegmentState.FLUSHED, nowMs);
            case ABORT -> finish(id, SegmentState.DROPPED, nowMs);
        }
    }

    private void add(String id, SegmentInfo segment) {
        if (!open.containsKey(id) || segment.getChannel() != channel || segment.getState() != SegmentState.IMPORTING) {
            log.info("channel {}: ignoring segment {} of import {}, which is not open here", channel, segment.getId(), id);
            return;
        }
        SegmentInfo known = catalog.get(segment.getId()).orElse(null);
        if (known == null || known.getState() == SegmentState.IMPORTING) {
            catalog.apply(CatalogChange.put(segment));
        }
    }

    /** Every Importing segment of import {@code id} moves to {@code to} in this one step: all of the channel's, or none. */
    private void finish(String id, SegmentState to, long nowMs) {
        if (open.remove(id) == null) {
            return;
        }
        meta.delete(OPEN_PREFIX + id);
        List<SegmentInfo> segments = catalog.inState(SegmentState.IMPORTING).stream().filter(s -> id.equals(s.getImportId())).toList();
        for (SegmentInfo segment : segments) {
            segment.setState(to);
            if (to == SegmentState.FLUSHED) {
                segment.setFlushedAtMs(nowMs);
            } else {
                segment.setDroppedAtMs(nowMs);
            }
            catalog.apply(CatalogChange.put(segment));
        }
        log.info("channel {}: import {}: {} segments {}", channel, id, segments.size(), to == SegmentState.FLUSHED ? "flushed" : "dropped");
    }

    /** Ids of the Importing segments: their files are referenced, not orphans. */
    List<Long> importingIds() {
        return catalog.inState(SegmentState.IMPORTING).stream().map(SegmentInfo::getId).toList();
    }
}
