package io.segflow.read;

import io.segflow.ingest.ChannelFences;
import io.segflow.ingest.CollectionPipeline;
import io.segflow.ingest.IngestStores;
import io.segflow.catalog.SegmentGroups;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import io.segflow.segment.StoredRow;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a channel's stores through interactive queries into a {@link ChannelSnapshot}. The
 * stores change while they are read: rows and deletes past the fence's position are left out,
 * and a read that overlapped a move (rows or deletes leaving the stores for a flushed segment)
 * starts again, so no row is missed or seen twice.
 */
final class SnapshotReader {
    private SnapshotReader() {
    }

    static ChannelSnapshot read(CollectionPipeline pipeline, int channel) {
        ChannelFences.Fence fence = pipeline.fence(channel);
        ReadOnlyKeyValueStore<Long, SegmentInfo> segments = pipeline.store(IngestStores.SEGMENTS, channel);
        ReadOnlyKeyValueStore<Bytes, byte[]> rows = pipeline.store(IngestStores.ROWS, channel);
        ReadOnlyKeyValueStore<Long, byte[]> deletes = pipeline.store(IngestStores.L0, channel);
        while (true) {
            long moves = fence.moves();
            if (moves % 2 == 1) {
                Thread.onSpinWait();
                continue;
            }
            long through = fence.reflectedThrough();
            ChannelSnapshot snapshot = readOnce(channel, fence.deletesFrom(), through, segments, rows, deletes);
            if (fence.moves() == moves) {
                return snapshot;
            }
        }
    }

    private static ChannelSnapshot readOnce(int channel, long deletesFrom, long through, ReadOnlyKeyValueStore<Long, SegmentInfo> segments,
                                            ReadOnlyKeyValueStore<Bytes, byte[]> rows, ReadOnlyKeyValueStore<Long, byte[]> deletes) {
        List<SegmentInfo> stored = new ArrayList<>();
        try (KeyValueIterator<Long, SegmentInfo> iterator = segments.all()) {
            iterator.forEachRemaining(kv -> stored.add(kv.value));
        }
        SegmentGroups groups = SegmentGroups.of(stored);
        List<SegmentInfo> flushed = groups.flushed();
        List<SegmentInfo> flushedL0 = groups.flushedL0();
        Map<SegmentInfo, List<StoredRow>> unflushed = new LinkedHashMap<>();
        groups.unflushedRows().forEach(info -> unflushed.put(info, rowsOf(rows, info.getId(), through)));
        Map<ByteBuffer, Long> buffered = new HashMap<>();
        if (through < deletesFrom) {
            return new ChannelSnapshot(channel, through, flushed, flushedL0, unflushed, buffered);
        }
        try (KeyValueIterator<Long, byte[]> all = deletes.range(deletesFrom, through)) {
            while (all.hasNext()) {
                KeyValue<Long, byte[]> entry = all.next();
                buffered.merge(ByteBuffer.wrap(entry.value), entry.key, Math::max);
            }
        }
        return new ChannelSnapshot(channel, through, flushed, flushedL0, unflushed, buffered);
    }

    private static List<StoredRow> rowsOf(ReadOnlyKeyValueStore<Bytes, byte[]> rows, long segmentId, long through) {
        List<StoredRow> result = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> range = rows.range(StoredRow.firstKey(segmentId), StoredRow.key(segmentId, through))) {
            range.forEachRemaining(kv -> result.add(StoredRow.decode(kv.value)));
        }
        return result;
    }
}
