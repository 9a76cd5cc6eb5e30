package io.segflow.read;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DeltaEntry;
import io.segflow.schema.FieldSpec;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.dml.DmlDecoder;
import io.segflow.schema.dml.DmlEvent;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.dml.Vectors;
import io.segflow.schema.serde.RecordSource;
import io.segflow.segment.StoredRow;
import io.segflow.storage.AvroFiles;
import org.apache.avro.generic.GenericRecord;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The live rows of a channel snapshot. The position rule: a row is live unless a delete of its
 * key came later in the channel (from the L0 buffer or a flushed L0 segment's delta log), or its
 * event time is more than the collection's TTL ago.
 */
final class LiveRows {
    private final CollectionSpec spec;
    private final DmlDecoder decoder;
    private final SegmentFileCache files;
    private final long nowMs;

    LiveRows(CollectionSpec spec, DmlDecoder decoder, SegmentFileCache files, long nowMs) {
        this.spec = spec;
        this.decoder = decoder;
        this.files = files;
        this.nowMs = nowMs;
    }

    /** Hands every live row of the segments {@code include} accepts to {@code out}. */
    void forEach(ChannelSnapshot snapshot, Predicate<SegmentInfo> include, Consumer<ReadRow> out) {
        Map<ByteBuffer, Long> deletes = new HashMap<>(snapshot.bufferedDeletes());
        for (SegmentInfo l0 : snapshot.flushedL0()) {
            for (String path : l0.getDeltaLogPaths()) {
                for (DeltaEntry entry : AvroFiles.read(files.get(path), DeltaEntry.class)) {
                    deletes.merge(ByteBuffer.wrap(PrimaryKeys.encode(PrimaryKeys.plain(entry.getPk()))), entry.getPosition(), Math::max);
                }
            }
        }
        for (SegmentInfo segment : snapshot.flushed()) {
            if (include.test(segment)) {
                for (String path : segment.getInsertLogPaths()) {
                    for (GenericRecord row : AvroFiles.<GenericRecord>read(files.get(path))) {
                        flushedRow(snapshot.channel(), segment, row, deletes, out);
                    }
                }
            }
        }
        for (Map.Entry<SegmentInfo, List<StoredRow>> segment : snapshot.unflushedRows().entrySet()) {
            if (include.test(segment.getKey())) {
                for (StoredRow row : segment.getValue()) {
                    if (live(row.pk(), row.position(), row.timestamp(), deletes)) {
                        out.accept(unflushedRow(snapshot.channel(), segment.getKey(), row));
                    }
                }
            }
        }
    }

    private void flushedRow(int channel, SegmentInfo segment, GenericRecord row, Map<ByteBuffer, Long> deletes, Consumer<ReadRow> out) {
        Object pk = PrimaryKeys.plain(row.get(DmlSchemas.PK));
        long position = (Long) row.get(DmlSchemas.POSITION);
        long ts = (Long) row.get(DmlSchemas.TS);
        if (!live(PrimaryKeys.encode(pk), position, ts, deletes)) {
            return;
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        for (FieldSpec field : spec.getFields()) {
            boolean written = row.getSchema().getField(field.getName()) != null;
            fields.put(field.getName(), written ? PrimaryKeys.plain(row.get(field.getName())) : null);
        }
        out.accept(new ReadRow(channel, segment.getId(), segment.getPartition(), pk, position, ts,
                Vectors.toFloats((ByteBuffer) row.get(DmlSchemas.VECTOR)), fields));
    }

    private ReadRow unflushedRow(int channel, SegmentInfo segment, StoredRow row) {
        DmlEvent event = decoder.decode(new RecordSource(DmlSchemas.dmlTopic(spec.getName()), channel, row.position()), row.pk(),
                row.dmlValue());
        Map<String, Object> fields = new LinkedHashMap<>();
        for (FieldSpec field : spec.getFields()) {
            fields.put(field.getName(), event.scalar(field.getName()));
        }
        return new ReadRow(channel, segment.getId(), segment.getPartition(), event.pk(), row.position(), row.timestamp(),
                event.vectorValues(), fields);
    }

    private boolean live(byte[] pk, long position, long ts, Map<ByteBuffer, Long> deletes) {
        if (spec.getTtlMs() > 0 && ts + spec.getTtlMs() <= nowMs) {
            return false;
        }
        return deletes.getOrDefault(ByteBuffer.wrap(pk), -1L) <= position;
    }
}
