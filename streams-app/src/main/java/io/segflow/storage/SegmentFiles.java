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

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link FlushJob} into the files of its segment, in memory: for L1 the insert logs (at
 * most {@code rowsPerInsertLog} rows each) and a stats log with a primary-key bloom filter; for L0
 * a delta log. No I/O: the uploader writes what this returns.
 */
public final class SegmentFiles {
    /** The files by path, in upload order, and what they hold. */
    public record Built(Map<String, byte[]> files, FlushResult result) {
    }

    private final SchemaRegistryClient registry;
    private final long rowsPerInsertLog;
    private final double bloomFpp;

    public SegmentFiles(SchemaRegistryClient registry, long rowsPerInsertLog, double bloomFpp) {
        this.registry = registry;
        this.rowsPerInsertLog = rowsPerInsertLog;
        this.bloomFpp = bloomFpp;
    }

    public Built build(FlushJob job) {
        return job.level() == SegmentLevel.L0 ? deltaLog(job) : insertLogs(job);
    }

    private Built insertLogs(FlushJob job) {
        CollectionSpec spec = job.spec();
        String collection = spec.getName();
        InsertLogRows encoder = new InsertLogRows(spec, registry);
        Map<String, byte[]> files = new LinkedHashMap<>();
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
                files.put(ObjectPaths.insertLog(collection, job.channel(), job.segmentId(), files.size()),
                        AvroFiles.writeEncoded(encoder.schema(), chunk));
                chunk.clear();
            }
        }
        if (!chunk.isEmpty()) {
            files.put(ObjectPaths.insertLog(collection, job.channel(), job.segmentId(), files.size()),
                    AvroFiles.writeEncoded(encoder.schema(), chunk));
        }
        List<String> insertLogs = List.copyOf(files.keySet());
        String statsLog = ObjectPaths.statsLog(collection, job.channel(), job.segmentId());
        files.put(statsLog, statsFile(job.segmentId(), written, pks, bloom, bloomFpp));
        long bytes = files.values().stream().mapToLong(f -> f.length).sum();
        return new Built(files, new FlushResult(job.channel(), job.segmentId(), insertLogs, List.of(), statsLog, bytes, written,
                deletedAtFlush, pks.min(), pks.max(), spec.getSchemaVersion(), written == 0 ? 0 : minEvent, maxEvent));
    }

    private Built deltaLog(FlushJob job) {
        String path = ObjectPaths.deltaLog(job.spec().getName(), job.channel(), job.segmentId(), 0);
        byte[] file = AvroFiles.write(DeltaEntry.getClassSchema(), job.deletes());
        PkRange pks = new PkRange();
        job.deletes().forEach(entry -> pks.add(PrimaryKeys.plain(entry.getPk())));
        return new Built(Map.of(path, file), new FlushResult(job.channel(), job.segmentId(), List.of(), List.of(path), null,
                file.length, job.deletes().size(), 0, pks.min(), pks.max(), job.spec().getSchemaVersion(), 0, 0));
    }

    /** The primary-key bloom filter of a stats log file. */
    public static BloomFilter<byte[]> bloom(byte[] statsLog) {
        SegmentStats stats = AvroFiles.read(statsLog, SegmentStats.class).get(0);
        // The decoder's buffer may hold more than this field: read exactly its remaining bytes.
        byte[] bits = new byte[stats.getBloomFilter().remaining()];
        stats.getBloomFilter().duplicate().get(bits);
        try {
            return BloomFilter.readFrom(new ByteArrayInputStream(bits), Funnels.byteArrayFunnel());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bloom filter of segment " + stats.getSegmentId(), e);
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
