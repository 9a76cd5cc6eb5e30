package io.segflow.storage;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DeltaEntry;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentStats;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.segment.FlushResult;
import io.segflow.segment.PkRange;
import io.segflow.segment.StoredRow;
import org.apache.avro.Schema;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a {@link FlushJob} into the files of its segment, one at a time: for L1 the insert logs
 * (at most {@code rowsPerInsertLog} rows each) and a stats log with a primary-key bloom filter;
 * for L0 a delta log. No I/O of its own: each file goes to the caller's {@link WriteBehind.Put}
 * as soon as it is encoded, so the uploader writes one while this encodes the next.
 */
public final class SegmentFiles {
    private final SchemaRegistryClient registry;
    private final long rowsPerInsertLog;
    private final double bloomFpp;

    public SegmentFiles(SchemaRegistryClient registry, long rowsPerInsertLog, double bloomFpp) {
        this.registry = registry;
        this.rowsPerInsertLog = rowsPerInsertLog;
        this.bloomFpp = bloomFpp;
    }

    /**
     * Encodes {@code job}'s files and hands each to {@code out} as soon as it is encoded, insert
     * logs first and the stats log last; returns what was written.
     */
    public FlushResult build(FlushJob job, WriteBehind.Put out) throws Exception {
        return job.level() == SegmentLevel.L0 ? deltaLog(job, out) : insertLogs(job, out);
    }

    private FlushResult insertLogs(FlushJob job, WriteBehind.Put out) throws Exception {
        InsertLogRows encoder = new InsertLogRows(job.spec(), registry);
        InsertLogs logs = new InsertLogs(job.spec(), job.channel(), job.segmentId(), encoder.schema(), job.rows().size(), out);
        long deletedAtFlush = 0;
        for (StoredRow row : job.rows()) {
            if (job.newerDeletes().newestDelete(row.pk()) > row.position()) {
                deletedAtFlush++;
                continue;
            }
            logs.add(row.pk(), row.timestamp(), encoder.encode(row, job.channel()));
        }
        return logs.finish(deletedAtFlush);
    }

    /**
     * Writes rows already in the insert-log encoding ({@link InsertLogEncoder}) as the files of an
     * L1 segment, in their order, exactly as {@link #build} writes the same rows flushed from the
     * DML topic: what an import writes, without a DML value to transcode.
     */
    public FlushResult buildEncoded(CollectionSpec spec, int channel, long segmentId, List<EncodedRow> rows, WriteBehind.Put out)
            throws Exception {
        InsertLogs logs = new InsertLogs(spec, channel, segmentId, DmlSchemas.insertLog(spec), rows.size(), out);
        for (EncodedRow row : rows) {
            logs.add(row.pk(), row.timestamp(), ByteBuffer.wrap(row.row()));
        }
        return logs.finish(0);
    }

    /** A row in the insert-log encoding, with its plain primary key and event time for the stats log. */
    public record EncodedRow(byte[] pk, long timestamp, byte[] row) {
    }

    /** One segment's insert logs as they are cut, at most {@code rowsPerInsertLog} rows each, then its stats log. */
    private final class InsertLogs {
        private final CollectionSpec spec;
        private final int channel;
        private final long segmentId;
        private final Schema schema;
        private final WriteBehind.Put out;
        private final KeyBloom bloom;
        private final PkRange pks = new PkRange();
        private final List<ByteBuffer> chunk = new ArrayList<>();
        private final List<String> paths = new ArrayList<>();
        private long bytes;
        private long written;
        private long minEvent = Long.MAX_VALUE;
        private long maxEvent;

        InsertLogs(CollectionSpec spec, int channel, long segmentId, Schema schema, int expectedRows, WriteBehind.Put out) {
            this.spec = spec;
            this.channel = channel;
            this.segmentId = segmentId;
            this.schema = schema;
            this.out = out;
            this.bloom = KeyBloom.create(expectedRows, bloomFpp);
        }

        void add(byte[] pk, long timestamp, ByteBuffer row) throws Exception {
            chunk.add(row);
            pks.add(PrimaryKeys.decode(spec.getPkType(), pk));
            bloom.put(pk);
            minEvent = Math.min(minEvent, timestamp);
            maxEvent = Math.max(maxEvent, timestamp);
            written++;
            if (chunk.size() == rowsPerInsertLog) {
                cut();
            }
        }

        /** Encodes the rows of the chunk as the segment's next insert log, hands it on and empties the chunk. */
        private void cut() throws Exception {
            String path = ObjectPaths.insertLog(spec.getName(), channel, segmentId, paths.size());
            byte[] file = AvroFiles.writeEncoded(schema, chunk);
            chunk.clear();
            out.put(path, file);
            paths.add(path);
            bytes += file.length;
        }

        FlushResult finish(long deletedAtFlush) throws Exception {
            if (!chunk.isEmpty()) {
                cut();
            }
            String statsLog = ObjectPaths.statsLog(spec.getName(), channel, segmentId);
            byte[] stats = statsFile(segmentId, written, pks, bloom, bloomFpp);
            out.put(statsLog, stats);
            bytes += stats.length;
            return new FlushResult(channel, segmentId, paths, List.of(), statsLog, bytes, written, deletedAtFlush, pks.min(), pks.max(),
                    spec.getSchemaVersion(), written == 0 ? 0 : minEvent, maxEvent);
        }
    }

    private FlushResult deltaLog(FlushJob job, WriteBehind.Put out) throws Exception {
        String path = ObjectPaths.deltaLog(job.spec().getName(), job.channel(), job.segmentId(), 0);
        byte[] file = AvroFiles.write(DeltaEntry.getClassSchema(), job.deletes());
        PkRange pks = new PkRange();
        job.deletes().forEach(entry -> pks.add(PrimaryKeys.plain(entry.getPk())));
        out.put(path, file);
        return new FlushResult(job.channel(), job.segmentId(), List.of(), List.of(path), null,
                file.length, job.deletes().size(), 0, pks.min(), pks.max(), job.spec().getSchemaVersion(), 0, 0);
    }

    /** The primary-key bloom filter of a stats log file. */
    public static KeyBloom bloom(byte[] statsLog) {
        SegmentStats stats = AvroFiles.read(statsLog, SegmentStats.class).get(0);
        try {
            return KeyBloom.read(stats.getBloomFilter());
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot read the bloom filter of segment " + stats.getSegmentId(), e);
        }
    }

    /** The stats log of a segment: its row count, key range and primary-key bloom filter (sized for {@code bloomFpp}). */
    public static byte[] statsFile(long segmentId, long rows, PkRange pks, KeyBloom bloom, double bloomFpp) {
        SegmentStats stats = SegmentStats.newBuilder().setSegmentId(segmentId).setRows(rows).setMinPk(pks.min()).setMaxPk(pks.max())
                .setBloomFpp(bloomFpp).setBloomFilter(ByteBuffer.wrap(bloom.serialized())).build();
        return AvroFiles.write(SegmentStats.getClassSchema(), List.of(stats));
    }
}
