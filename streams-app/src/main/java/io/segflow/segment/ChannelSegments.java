package io.segflow.segment;

import io.segflow.schema.PkType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.seal.L0Batch;
import io.segflow.seal.SegmentView;
import io.segflow.storage.FlushResult;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The segments of one channel, owned by its ingest task, the single writer of their metadata.
 * Active segments (growing, sealed, flushing) are kept in memory and in the segments store; the
 * rows of growing and sealed L1 segments are in the row store until their flush completes. A
 * growing segment's counters are written to the store at each {@link #checkpoint}. When a task
 * starts, the row store (empty at every start) is rebuilt ({@link #restoreRow}) and the counters
 * recounted from it ({@link #recount}), which is always exact.
 */
public final class ChannelSegments {
    public static final String L0_PARTITION = "*";
    private static final String SEGMENT_COUNTER = "segment.counter";
    private static final int ROW_BATCH = 1024;

    private final String collection;
    private final int channel;
    private final PkType pkType;
    private final KeyValueStore<Long, SegmentInfo> segments;
    private final KeyValueStore<String, Long> meta;
    private final RowStore rows;
    private final Map<Long, SegmentInfo> active = new LinkedHashMap<>();
    private final Map<String, Long> growingByPartition = new HashMap<>();
    private final Map<Long, PkRange> pkRanges = new HashMap<>();
    private final List<L0Batch> flushedL0 = new ArrayList<>();
    private final Set<Long> dirty = new HashSet<>();
    /** Active segments in state Sealed: checked for every record by backpressure. */
    private int sealedCount;
    /** The highest position any segment held when the task started. */
    private long highestPosition = -1;
    /** Rows not yet in the row store: written in batches, since a task start rebuilds the store from C.dml anyway. */
    private final List<KeyValue<Bytes, byte[]>> pendingRows = new ArrayList<>();

    public ChannelSegments(String collection, int channel, PkType pkType, KeyValueStore<Long, SegmentInfo> segments,
                           KeyValueStore<String, Long> meta, RowStore rows) {
        this.collection = collection;
        this.channel = channel;
        this.pkType = pkType;
        this.segments = segments;
        this.meta = meta;
        this.rows = rows;
    }

    public void restore() {
        try (KeyValueIterator<Long, SegmentInfo> all = segments.all()) {
            while (all.hasNext()) {
                SegmentInfo info = all.next().value;
                highestPosition = Math.max(highestPosition, info.getMaxPosition());
                if (info.getState() == SegmentState.FLUSHED && info.getLevel() == SegmentLevel.L0) {
                    flushedL0.add(batchOf(info));
                } else if (info.getState() != SegmentState.FLUSHED && info.getState() != SegmentState.DROPPED) {
                    // A crash between Flushing and Flushed leaves the upload to be done again.
                    if (info.getState() == SegmentState.FLUSHING) {
                        info.setState(SegmentState.SEALED);
                    }
                    active.put(info.getId(), info);
                    if (info.getState() == SegmentState.GROWING) {
                        growingByPartition.put(info.getPartition(), info.getId());
                    } else {
                        sealedCount++;
                    }
                }
            }
        }
    }

    /** The highest position of a row or delete the segments held when the task started (after {@link #recount}), or -1. */
    public long highestPosition() {
        return highestPosition;
    }

    /** The first position of a row the row store must hold, or {@link Long#MAX_VALUE}. */
    public long minUnflushedRowPosition() {
        return active.values().stream().filter(s -> s.getLevel() != SegmentLevel.L0).mapToLong(SegmentInfo::getMinPosition)
                .min().orElse(Long.MAX_VALUE);
    }

    /**
     * Puts a row read again from the DML topic into the active segment of its partition whose
     * range holds its position; false if no such segment (its segment is flushed).
     */
    public boolean restoreRow(String partition, StoredRow row) {
        for (SegmentInfo info : active.values()) {
            boolean holds = info.getLevel() != SegmentLevel.L0 && info.getPartition().equals(partition)
                    && row.position() >= info.getMinPosition()
                    && (info.getState() == SegmentState.GROWING || row.position() <= info.getMaxPosition());
            if (holds) {
                buffer(StoredRow.key(info.getId(), row.position()), row.encode());
                return true;
            }
        }
        return false;
    }

    /** Recounts the rows, bytes and key range of active L1 segments from the row store. */
    public void recount() {
        writePendingRows();
        active.values().stream().filter(s -> s.getLevel() != SegmentLevel.L0).forEach(this::recount);
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
        pkRanges.put(info.getId(), pks);
        highestPosition = Math.max(highestPosition, info.getMaxPosition());
    }

    /** Appends a row to the growing segment of {@code partition}, opening one if there is none; returns its id. */
    public long append(String partition, StoredRow row, Object pk, int schemaVersion, long nowMs) {
        Long id = growingByPartition.get(partition);
        SegmentInfo info = id == null ? open(partition, SegmentLevel.L1, row.position(), schemaVersion, nowMs) : active.get(id);
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

    /** Ids of the segments not yet flushed: their files may be being written. */
    public Set<Long> activeIds() {
        return Set.copyOf(active.keySet());
    }

    private SegmentInfo open(String partition, SegmentLevel level, long position, int schemaVersion, long nowMs) {
        SegmentInfo info = SegmentInfo.newBuilder()
                .setId(allocateId()).setCollection(collection).setChannel(channel).setPartition(partition)
                .setLevel(level).setState(level == SegmentLevel.L0 ? SegmentState.SEALED : SegmentState.GROWING)
                .setRows(0).setMinPosition(position).setMaxPosition(position)
                .setCreatedAtMs(nowMs).setLastWriteMs(nowMs).setSchemaVersion(schemaVersion).build();
        active.put(info.getId(), info);
        if (level == SegmentLevel.L1) {
            growingByPartition.put(partition, info.getId());
        } else {
            sealedCount++;
        }
        segments.put(info.getId(), info);
        return info;
    }

    /** A sealed L0 segment for the deletes of {@code batch}, to be flushed. */
    public SegmentInfo openL0(L0Batch batch, String reason, int schemaVersion, long oldestDeleteMs, long nowMs) {
        SegmentInfo info = open(L0_PARTITION, SegmentLevel.L0, batch.minPosition(), schemaVersion, nowMs);
        info.setOldestDeleteMs(oldestDeleteMs);
        info.setMaxPosition(batch.maxPosition());
        info.setRows(batch.entries());
        info.setBytes(batch.bytes());
        info.setSealReason(reason);
        segments.put(info.getId(), info);
        return info;
    }

    public List<SegmentView> growing() {
        return growingByPartition.values().stream().map(active::get)
                .map(s -> new SegmentView(s.getId(), s.getPartition(), s.getRows(), s.getBytes(), s.getMinPosition(),
                        s.getCreatedAtMs(), s.getLastWriteMs()))
                .toList();
    }

    /** An L0 segment compaction dropped: its deletes have moved into the segments they reach. */
    public void l0Dropped(SegmentInfo info) {
        flushedL0.remove(batchOf(info));
    }

    /** Deletes not yet applied to older segments: flushed and flushing L0 segments (the buffer is the caller's). */
    public List<L0Batch> l0Batches() {
        List<L0Batch> batches = new ArrayList<>(flushedL0);
        active.values().stream().filter(s -> s.getLevel() == SegmentLevel.L0).map(ChannelSegments::batchOf).forEach(batches::add);
        return batches;
    }

    public SegmentInfo seal(long id, String reason) {
        SegmentInfo info = active.get(id);
        if (info.getState() == SegmentState.GROWING) {
            sealedCount++;
        }
        info.setState(SegmentState.SEALED);
        info.setSealReason(reason);
        growingByPartition.remove(info.getPartition(), id);
        pkRanges.remove(id);
        dirty.remove(id);
        segments.put(id, info);
        return info;
    }

    /** Sealed segments waiting for their upload, oldest first. */
    public Collection<SegmentInfo> waiting() {
        return active.values().stream().filter(s -> s.getState() == SegmentState.SEALED).toList();
    }

    public SegmentInfo get(long id) {
        return active.get(id);
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
     * Records a completed upload: Sealed → Flushing → Flushed, the file paths and sizes, and (L1)
     * the segment's rows leave the row store. Returns the Flushed info, or null if the segment is
     * no longer waiting (an upload finished twice).
     */
    public SegmentInfo complete(FlushResult result, long nowMs) {
        SegmentInfo info = active.get(result.segmentId());
        if (info == null || info.getState() != SegmentState.SEALED) {
            return null;
        }
        info.setState(SegmentState.FLUSHING);
        sealedCount--;
        segments.put(info.getId(), info);
        if (info.getLevel() != SegmentLevel.L0) {
            deleteRows(info.getId());
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
        segments.put(info.getId(), info);
        active.remove(info.getId());
        if (info.getLevel() == SegmentLevel.L0) {
            flushedL0.add(batchOf(info));
        }
        return info;
    }

    /** Removes an uploaded segment's rows, all of which its upload read, as no row joins a sealed segment. */
    private void deleteRows(long id) {
        rows.deleteRange(StoredRow.firstKey(id), StoredRow.firstKey(id + 1));
    }

    /** Writes buffered rows, and growing segments' counters to the store. */
    public void checkpoint() {
        writePendingRows();
        for (Long id : dirty) {
            segments.put(id, active.get(id));
        }
        dirty.clear();
    }

    /** The smallest position held by a segment not yet flushed, or {@link Long#MAX_VALUE}. */
    public long minUnflushedPosition() {
        return active.values().stream().mapToLong(SegmentInfo::getMinPosition).min().orElse(Long.MAX_VALUE);
    }

    public int waitingCount() {
        return sealedCount;
    }

    public List<SegmentInfo> growingSegments() {
        return growingByPartition.values().stream().map(active::get).toList();
    }

    private static L0Batch batchOf(SegmentInfo info) {
        return new L0Batch(info.getMinPosition(), info.getMaxPosition(), info.getRows(), info.getBytes());
    }
}
