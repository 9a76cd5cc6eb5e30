package io.segflow.storage;

import io.segflow.segment.FlushResult;
import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DeltaEntry;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentStats;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.segment.PkRange;
import io.segflow.segment.StoredRow;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
        CollectionSpec spec = job.spec();
        String collection = spec.getName();
        InsertLogRows encoder = new InsertLogRows(spec, registry);
        List<String> insertLogs = new ArrayList<>();
        long bytes = 0;
        List<ByteBuffer> chunk = new ArrayList<>();
        BloomFilter<byte[]> bloom = BloomFilter.create(Funnels.byteArrayFunnel(), Math.max(1, job.rows().size()), bloomFpp);
        long written = 0;
        long deletedAtFlush = 0;
        PkRange pks = new PkRange();
        long minEvent = Long.MAX_VALUE;
        long maxEvent = 0;
        for (StoredRow row : job.rows()) {
            if (job.newerDeletes().newestDelete(row.pk()) > row.position()) {
                deletedAtFlush++;
                continue;
            }
            chunk.add(encoder.encode(row, job.channel()));
            pks.add(PrimaryKeys.decode(spec.getPkType(), row.pk()));
            bloom.put(row.pk());
            minEvent = Math.min(minEvent, row.timestamp());
            maxEvent = Math.max(maxEvent, row.timestamp());
            written++;
            if (chunk.size() == rowsPerInsertLog) {
                bytes += writeInsertLog(job, encoder, chunk, insertLogs, out);
            }
        }
        if (!chunk.isEmpty()) {
            bytes += writeInsertLog(job, encoder, chunk, insertLogs, out);
        }
        String statsLog = ObjectPaths.statsLog(collection, job.channel(), job.segmentId());
        byte[] stats = statsFile(job.segmentId(), written, pks, bloom, bloomFpp);
        out.put(statsLog, stats);
        bytes += stats.length;
        return new FlushResult(job.channel(), job.segmentId(), insertLogs, List.of(), statsLog, bytes, written,
                deletedAtFlush, pks.min(), pks.max(), spec.getSchemaVersion(), written == 0 ? 0 : minEvent, maxEvent);
    }

    /** Encodes the rows of {@code chunk} as the segment's next insert log, hands it to {@code out} and empties the chunk. */
    private static long writeInsertLog(FlushJob job, InsertLogRows encoder, List<ByteBuffer> chunk, List<String> insertLogs,
                                       WriteBehind.Put out) throws Exception {
        String path = ObjectPaths.insertLog(job.spec().getName(), job.channel(), job.segmentId(), insertLogs.size());
        byte[] file = AvroFiles.writeEncoded(encoder.schema(), chunk);
        chunk.clear();
        out.put(path, file);
        insertLogs.add(path);
        return file.length;
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
    public static byte[] statsFile(long segmentId, long rows, PkRange pks, BloomFilter<byte[]> bloom, double bloomFpp) {
        SegmentStats stats = SegmentStats.newBuilder().setSegmentId(segmentId).setRows(rows).setMinPk(pks.min()).setMaxPk(pks.max())
                .setBloomFpp(bloomFpp).setBloomFilter(ByteBuffer.wrap(serialize(bloom))).build();
        return AvroFiles.write(SegmentStats.getClassSchema(), List.of(stats));
    }

    /** A bloom filter as its stats log keeps it (Guava writeTo). */
    private static byte[] serialize(BloomFilter<byte[]> bloom) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            bloom.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
