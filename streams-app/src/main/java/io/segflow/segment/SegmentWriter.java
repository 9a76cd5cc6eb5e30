package io.segflow.segment;

import io.segflow.catalog.CatalogChange;
import io.segflow.catalog.ChannelCatalog;
import io.segflow.schema.PkType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.seal.L0Batch;
import io.segflow.seal.SealReason;
import io.segflow.seal.SegmentView;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The ingest step's side of a channel's segments: rows go into the growing segment of their
 * partition and into the row store until their segment's flush completes. A growing segment's
 * counters change with every row, so this class owns them while it grows and hands them to the
 * {@link ChannelCatalog} at each {@link #checkpoint} and when it seals; every other change of
 * state (open, seal, flushing, flushed) is a change the catalog applies. When a task starts, the
 * row store (empty at every start) is rebuilt ({@link #restoreRow}) and the counters recounted
 * from it ({@link #recount}), which is always exact.
 */
public final class SegmentWriter {
    public static final String L0_PARTITION = "*";
    private static final String SEGMENT_COUNTER = "segment.counter";
    private static final int ROW_BATCH = 1024;

    private final String collection;
    private final int channel;
    private final PkType pkType;
    private final ChannelCatalog catalog;
    private final KeyValueStore<String, Long> meta;
    private final RowStore rows;
    /** Growing segments by partition: their counters are this class's until they seal. */
    private final Map<String, SegmentInfo> growing = new LinkedHashMap<>();
    private final Map<Long, PkRange> pkRanges = new HashMap<>();
    private final Set<Long> dirty = new HashSet<>();
    /** The highest position any segment held when the task started. */
    private long highestPosition = -1;
    /** Rows not yet in the row store: written in batches, since a task start rebuilds the store from C.dml anyway. */
    private final List<KeyValue<Bytes, byte[]>> pendingRows = new ArrayList<>();
    /** While the row store is rebuilt: the L1 segments not yet flushed, whose rows it must hold again. */
    private List<SegmentInfo> replayTargets = List.of();

    public SegmentWriter(String collection, int channel, PkType pkType, ChannelCatalog catalog, KeyValueStore<String, Long> meta,
                         RowStore rows) {
        this.collection = collection;
        this.channel = channel;
        this.pkType = pkType;
        this.catalog = catalog;
        this.meta = meta;
        this.rows = rows;
    }

    /** Takes over the growing segments of the (restored) catalog, before the row store is rebuilt. */
    public void restore() {
        for (SegmentInfo segment : catalog.all()) {
            highestPosition = Math.max(highestPosition, segment.getMaxPosition());
        }
        catalog.inState(SegmentState.GROWING).forEach(s -> growing.put(s.getPartition(), s));
        List<SegmentInfo> targets = new ArrayList<>(growing.values());
        Stream.of(SegmentState.SEALED, SegmentState.FLUSHING).flatMap(state -> catalog.inState(state).stream())
                .filter(s -> s.getLevel() != SegmentLevel.L0).forEach(targets::add);
        replayTargets = targets;
    }

    /** The highest position of a row or delete the segments held when the task started (after {@link #recount}), or -1. */
    public long highestPosition() {
        return highestPosition;
    }

    /** The first position of a row the row store must hold, or {@link Long#MAX_VALUE}. */
    public long minUnflushedRowPosition() {
        return catalog.minUnflushedPosition(true);
    }

    /** The smallest position held by a segment not yet flushed, or {@link Long#MAX_VALUE}. */
    public long minUnflushedPosition() {
        return catalog.minUnflushedPosition(false);
    }

    /**
     * Puts a row read again from the DML topic into the unflushed segment of its partition whose
     * range holds its position; false if no such segment (its segment is flushed).
     */
    public boolean restoreRow(String partition, StoredRow row) {
        for (SegmentInfo info : replayTargets) {
            boolean holds = info.getPartition().equals(partition) && row.position() >= info.getMinPosition()
                    && (info.getState() == SegmentState.GROWING || row.position() <= info.getMaxPosition());
            if (holds) {
                buffer(StoredRow.key(info.getId(), row.position()), row.encode());
                return true;
            }
        }
        return false;
    }

    /** Recounts the rows, bytes and key range of unflushed L1 segments from the rebuilt row store. */
    public void recount() {
        writePendingRows();
        for (SegmentInfo info : replayTargets) {
            recount(info);
            if (info.getState() == SegmentState.GROWING) {
                dirty.add(info.getId());
            } else {
                catalog.apply(CatalogChange.put(info));
            }
        }
        replayTargets = List.of();
        checkpoint();
    }

    private void recount(SegmentInfo info) {
        long count = 0;
        long bytes = 0;
        PkRange pks = new PkRange();
        try (KeyValueIterator<Bytes, byte[]> range = rows.range(StoredRow.firstKey(info.getId()), StoredRow.lastKey(info.getId()))) {
            while (range.hasNext()) {
                StoredRow row = StoredRow.decode(range.next().value);
                count++;
                bytes += row.storedBytes();
                info.setMaxPosition(row.position());
                pks.add(PrimaryKeys.decode(pkType, row.pk()));
            }
        }
        info.setRows(count);
        info.setBytes(bytes);
        if (info.getState() == SegmentState.GROWING) {
            pkRanges.put(info.getId(), pks);
        }
        highestPosition = Math.max(highestPosition, info.getMaxPosition());
    }

    /** Appends a row to the growing segment of {@code partition}, opening one if there is none; returns its id. */
    public long append(String partition, StoredRow row, Object pk, int schemaVersion, long nowMs) {
        SegmentInfo info = growing.get(partition);
        if (info == null) {
            info = open(partition, SegmentLevel.L1, row.position(), schemaVersion, nowMs);
            catalog.apply(CatalogChange.put(info));
            growing.put(partition, info);
        }
        buffer(StoredRow.key(info.getId(), row.position()), row.encode());
        info.setRows(info.getRows() + 1);
        info.setBytes(info.getBytes() + row.storedBytes());
        info.setMaxPosition(row.position());
        info.setLastWriteMs(nowMs);
        PkRange pks = pkRanges.computeIfAbsent(info.getId(), i -> new PkRange());
        pks.add(pk);
        info.setMinPk(pks.min());
        info.setMaxPk(pks.max());
        dirty.add(info.getId());
        return info.getId();
    }

    /** A new segment id of the channel: for a segment opened here or a compaction output. */
    public long allocateId() {
        long counter = meta.get(SEGMENT_COUNTER) == null ? 1 : meta.get(SEGMENT_COUNTER) + 1;
        meta.put(SEGMENT_COUNTER, counter);
        return SegmentIds.id(counter, channel);
    }

    private SegmentInfo open(String partition, SegmentLevel level, long position, int schemaVersion, long nowMs) {
        return SegmentInfo.newBuilder()
                .setId(allocateId()).setCollection(collection).setChannel(channel).setPartition(partition)
                .setLevel(level).setState(level == SegmentLevel.L0 ? SegmentState.SEALED : SegmentState.GROWING)
                .setRows(0).setMinPosition(position).setMaxPosition(position)
                .setCreatedAtMs(nowMs).setLastWriteMs(nowMs).setSchemaVersion(schemaVersion).build();
    }

    /** A sealed L0 segment for the deletes of {@code batch}, to be flushed. */
    public SegmentInfo openL0(L0Batch batch, SealReason reason, int schemaVersion, long oldestDeleteMs, long nowMs) {
        SegmentInfo info = open(L0_PARTITION, SegmentLevel.L0, batch.minPosition(), schemaVersion, nowMs);
        info.setOldestDeleteMs(oldestDeleteMs);
        info.setMaxPosition(batch.maxPosition());
        info.setRows(batch.entries());
        info.setBytes(batch.bytes());
        info.setSealReason(reason.label());
        catalog.apply(CatalogChange.put(info));
        return info;
    }

    /** The growing segments as seal policies see them. */
    public List<SegmentView> growing() {
        return growing.values().stream()
                .map(s -> new SegmentView(s.getId(), s.getPartition(), s.getRows(), s.getBytes(), s.getMinPosition(),
                        s.getCreatedAtMs(), s.getLastWriteMs()))
                .toList();
    }

    /** Deletes not yet applied to older segments: flushed and flushing L0 segments (the buffer is the caller's). */
    public List<L0Batch> l0Batches() {
        return Stream.of(SegmentState.FLUSHED, SegmentState.SEALED, SegmentState.FLUSHING)
                .flatMap(state -> catalog.inState(state, SegmentLevel.L0).stream()).map(SegmentWriter::batchOf).toList();
    }

    /** Seals the growing segment {@code id} for {@code reason}; no row joins it after this. */
    public void seal(long id, SealReason reason) {
        SegmentInfo info = growing.values().stream().filter(s -> s.getId() == id).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("segment " + id + " of channel " + channel + " is not growing"));
        info.setState(SegmentState.SEALED);
        info.setSealReason(reason.label());
        growing.remove(info.getPartition());
        pkRanges.remove(id);
        dirty.remove(id);
        catalog.apply(CatalogChange.put(info));
    }

    /** Sealed segments waiting for their upload, oldest first. */
    public List<SegmentInfo> awaitingUpload() {
        return catalog.inState(SegmentState.SEALED);
    }

    /** Segments sealed and not yet flushed: waiting for their upload or being uploaded. Constant time. */
    public int unflushedSealed() {
        return catalog.count(SegmentState.SEALED) + catalog.count(SegmentState.FLUSHING);
    }

    /** Segment {@code id}'s upload starts: Sealed → Flushing. */
    public SegmentInfo startFlush(long id) {
        SegmentInfo info = catalog.get(id).orElseThrow();
        info.setState(SegmentState.FLUSHING);
        catalog.apply(CatalogChange.put(info));
        return info;
    }

    private void buffer(Bytes key, byte[] row) {
        pendingRows.add(KeyValue.pair(key, row));
        if (pendingRows.size() >= ROW_BATCH) {
            writePendingRows();
        }
    }

    /** Writes buffered rows to the row store in one RocksDB write batch. */
    public void writePendingRows() {
        if (!pendingRows.isEmpty()) {
            rows.write(pendingRows);
            pendingRows.clear();
        }
    }

    /** The rows of a sealed segment, for its upload. */
    public List<StoredRow> rowsOf(long id) {
        writePendingRows();
        List<StoredRow> result = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> range = rows.range(StoredRow.firstKey(id), StoredRow.lastKey(id))) {
            range.forEachRemaining(kv -> result.add(StoredRow.decode(kv.value)));
        }
        return result;
    }

    /**
     * Records a completed upload: Flushing → Flushed with the file paths and sizes, and (L1) the
     * segment's rows leave the row store. Returns the Flushed info, or null if the segment is no
     * longer Flushing (an upload finished twice).
     */
    public SegmentInfo complete(FlushResult result, long nowMs) {
        SegmentInfo info = catalog.get(result.segmentId()).orElse(null);
        if (info == null || info.getState() != SegmentState.FLUSHING) {
            return null;
        }
        if (info.getLevel() != SegmentLevel.L0) {
            // All of them: its upload read them all, as no row joins a sealed segment.
            rows.deleteRange(StoredRow.firstKey(info.getId()), StoredRow.firstKey(info.getId() + 1));
        }
        info.setState(SegmentState.FLUSHED);
        info.setRows(result.rows());
        info.setDeletedAtFlush(result.deletedAtFlush());
        info.setBytes(result.bytes());
        info.setMinPk(result.minPk());
        info.setMaxPk(result.maxPk());
        info.setSchemaVersion(result.schemaVersion());
        info.setInsertLogPaths(result.insertLogs());
        info.setDeltaLogPaths(result.deltaLogs());
        info.setStatsLogPath(result.statsLog());
        info.setFlushedAtMs(nowMs);
        info.setMinEventMs(result.minEventMs());
        info.setMaxEventMs(result.maxEventMs());
        if (info.getLevel() == SegmentLevel.L0) {
            info.setDeltaLogBytes(result.bytes());
        }
        catalog.apply(CatalogChange.put(info));
        return info;
    }

    /** Writes buffered rows, and growing segments' counters to the catalog. */
    public void checkpoint() {
        writePendingRows();
        for (SegmentInfo info : growing.values()) {
            if (dirty.contains(info.getId())) {
                catalog.apply(CatalogChange.put(info));
            }
        }
        dirty.clear();
    }

    private static L0Batch batchOf(SegmentInfo info) {
        return new L0Batch(info.getMinPosition(), info.getMaxPosition(), info.getRows(), info.getBytes());
    }
}
