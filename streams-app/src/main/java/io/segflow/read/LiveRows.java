package io.segflow.read;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.dml.DmlDecoder;
import io.segflow.segment.StoredRow;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The live rows of a channel snapshot. The position rule: a row is live unless a delete of its
 * key came later in the channel (from the L0 buffer or any flushed segment's delta log), or its
 * event time is more than the collection's TTL ago.
 */
final class LiveRows {
    /** Receives live rows: row {@code row} of {@code columns}, which belong to {@code segment}. */
    @FunctionalInterface
    interface Visitor {
        void accept(SegmentInfo segment, RowColumns columns, int row);
    }

    private final CollectionSpec spec;
    private final DmlDecoder decoder;
    private final DecodedFiles files;
    private final FlushedDeletes flushedDeletes;
    private final long nowMs;

    LiveRows(CollectionSpec spec, DmlDecoder decoder, DecodedFiles files, FlushedDeletes flushedDeletes, long nowMs) {
        this.spec = spec;
        this.decoder = decoder;
        this.files = files;
        this.flushedDeletes = flushedDeletes;
        this.nowMs = nowMs;
    }

    /** Hands every live row of the segments {@code include} accepts to {@code out}. */
    void forEach(ChannelSnapshot snapshot, Predicate<SegmentInfo> include, Visitor out) {
        List<String> deltaLogs = new ArrayList<>();
        for (List<SegmentInfo> segments : List.of(snapshot.flushedL0(), snapshot.flushed())) {
            segments.forEach(segment -> deltaLogs.addAll(segment.getDeltaLogPaths()));
        }
        Deletes deletes = new Deletes(flushedDeletes.of(spec.getName(), snapshot.channel(), deltaLogs), snapshot.bufferedDeletes());
        for (SegmentInfo segment : snapshot.flushed()) {
            if (include.test(segment)) {
                for (String path : segment.getInsertLogPaths()) {
                    visit(segment, files.insertLog(path, spec.getDim()), deletes, out);
                }
            }
        }
        for (Map.Entry<SegmentInfo, List<StoredRow>> segment : snapshot.unflushedRows().entrySet()) {
            if (include.test(segment.getKey())) {
                visit(segment.getKey(), RowColumns.ofStoredRows(segment.getValue(), spec, decoder, snapshot.channel()), deletes, out);
            }
        }
    }

    private void visit(SegmentInfo segment, RowColumns columns, Deletes deletes, Visitor out) {
        long ttl = spec.getTtlMs();
        for (int i = 0; i < columns.size(); i++) {
            boolean expired = ttl > 0 && columns.timestamp(i) + ttl <= nowMs;
            if (!expired && deletes.newest(columns.key(i)) <= columns.position(i)) {
                out.accept(segment, columns, i);
            }
        }
    }

    /** The newest delete of a key: from the flushed delta logs or the L0 buffer, whichever is later. */
    private record Deletes(Map<ByteBuffer, Long> flushed, Map<ByteBuffer, Long> buffered) {
        long newest(ByteBuffer key) {
            long fromLogs = flushed.getOrDefault(key, -1L);
            return buffered.isEmpty() ? fromLogs : Math.max(fromLogs, buffered.getOrDefault(key, -1L));
        }
    }
}
