package io.segflow.read;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.dml.DmlDecoder;
import io.segflow.segment.StoredRow;

import java.nio.ByteBuffer;
import java.util.HashMap;
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
    private final long nowMs;

    LiveRows(CollectionSpec spec, DmlDecoder decoder, DecodedFiles files, long nowMs) {
        this.spec = spec;
        this.decoder = decoder;
        this.files = files;
        this.nowMs = nowMs;
    }

    /** Hands every live row of the segments {@code include} accepts to {@code out}. */
    void forEach(ChannelSnapshot snapshot, Predicate<SegmentInfo> include, Visitor out) {
        Map<ByteBuffer, Long> deletes = new HashMap<>(snapshot.bufferedDeletes());
        for (List<SegmentInfo> segments : List.of(snapshot.flushedL0(), snapshot.flushed())) {
            for (SegmentInfo segment : segments) {
                segment.getDeltaLogPaths().forEach(path -> files.deltaLog(path).mergeInto(deletes));
            }
        }
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

    private void visit(SegmentInfo segment, RowColumns columns, Map<ByteBuffer, Long> deletes, Visitor out) {
        long ttl = spec.getTtlMs();
        for (int i = 0; i < columns.size(); i++) {
            boolean expired = ttl > 0 && columns.timestamp(i) + ttl <= nowMs;
            if (!expired && deletes.getOrDefault(columns.key(i), -1L) <= columns.position(i)) {
                out.accept(segment, columns, i);
            }
        }
    }
}
