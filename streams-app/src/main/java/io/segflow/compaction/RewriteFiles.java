package io.segflow.compaction;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.CompactionTask;
import io.segflow.schema.CompactionType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.segment.PkRange;
import io.segflow.storage.AvroFiles;
import io.segflow.storage.ObjectPaths;
import io.segflow.storage.SegmentFiles;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The rows and files of a rewrite, in memory: live rows of the inputs resolved to the collection's
 * schema of now, ordered by primary key (or by clustering key, for clustering), cut into outputs
 * and encoded as insert logs and a stats log each, like a flush writes them.
 */
public final class RewriteFiles {
    private final long rowsPerInsertLog;
    private final double bloomFpp;

    public RewriteFiles(long rowsPerInsertLog, double bloomFpp) {
        this.rowsPerInsertLog = rowsPerInsertLog;
        this.bloomFpp = bloomFpp;
    }

    /** Collects the live rows of a rewrite. */
    public static final class Rows {
        private final Schema schema;
        private final long ttlMs;
        private final List<GenericRecord> live = new ArrayList<>();
        private long dropped;

        private Rows(Schema schema, long ttlMs) {
            this.schema = schema;
            this.ttlMs = ttlMs;
        }

        /** Adds the rows of an insert log that no later delete removed and that have not expired by {@code nowMs}. */
        public void addLive(byte[] insertLog, Map<ByteBuffer, Long> newestDeletes, long nowMs) {
            for (GenericRecord row : AvroFiles.read(insertLog, schema)) {
                long position = (Long) row.get(DmlSchemas.POSITION);
                ByteBuffer key = ByteBuffer.wrap(PrimaryKeys.encode(PrimaryKeys.plain(row.get(DmlSchemas.PK))));
                boolean deleted = newestDeletes.getOrDefault(key, -1L) > position;
                boolean expired = ttlMs > 0 && (Long) row.get(DmlSchemas.TS) + ttlMs <= nowMs;
                if (deleted || expired) {
                    dropped++;
                } else {
                    live.add(row);
                }
            }
        }

        public long dropped() {
            return dropped;
        }

        public int size() {
            return live.size();
        }
    }

    public Rows rows(CollectionSpec spec) {
        return new Rows(DmlSchemas.insertLog(spec), spec.getTtlMs());
    }

    /**
     * Writes the outputs of {@code task} through {@code put} and describes them (Flushed as of the
     * commit). As many outputs as the live bytes need at the task's target size, but never more
     * than the ids the coordinator allocated; none if no row is live.
     */
    public List<SegmentInfo> write(CompactionTask task, CollectionSpec spec, String partition, Rows rows, long bytesPerRow, long nowMs,
                                   BiConsumer<String, byte[]> put) {
        if (rows.live.isEmpty()) {
            return List.of();
        }
        String clusteringKey = task.getType() == CompactionType.CLUSTERING ? spec.getClusteringKey() : null;
        rows.live.sort(clusteringKey == null ? Comparator.comparing(RewriteFiles::pk, RewriteFiles::compare)
                : Comparator.comparing((GenericRecord r) -> plain(r.get(clusteringKey)), RewriteFiles::compare)
                .thenComparing(RewriteFiles::pk, RewriteFiles::compare));
        long targetBytes = task.getTargetSizeBytes() > 0 ? task.getTargetSizeBytes() : Long.MAX_VALUE;
        long wanted = (rows.live.size() * bytesPerRow + targetBytes - 1) / targetBytes;
        int outputs = (int) Math.max(1, Math.min(task.getOutputIds().size(), wanted));
        int perOutput = (rows.live.size() + outputs - 1) / outputs;
        List<SegmentInfo> written = new ArrayList<>();
        for (int i = 0; i < outputs && i * perOutput < rows.live.size(); i++) {
            List<GenericRecord> chunk = rows.live.subList(i * perOutput, Math.min(rows.live.size(), (i + 1) * perOutput));
            written.add(output(task, spec, partition, task.getOutputIds().get(i), chunk, clusteringKey, nowMs, put, rows.schema));
        }
        return written;
    }

    private SegmentInfo output(CompactionTask task, CollectionSpec spec, String partition, long id, List<GenericRecord> rows,
                               String clusteringKey, long nowMs, BiConsumer<String, byte[]> put, Schema schema) {
        String collection = task.getCollection();
        int channel = task.getChannel();
        BloomFilter<byte[]> bloom = BloomFilter.create(Funnels.byteArrayFunnel(), rows.size(), bloomFpp);
        PkRange pks = new PkRange();
        long minPosition = Long.MAX_VALUE;
        long maxPosition = -1;
        long minEvent = Long.MAX_VALUE;
        long maxEvent = 0;
        for (GenericRecord row : rows) {
            Object pk = pk(row);
            bloom.put(PrimaryKeys.encode(pk));
            pks.add(pk);
            long position = (Long) row.get(DmlSchemas.POSITION);
            long ts = (Long) row.get(DmlSchemas.TS);
            minPosition = Math.min(minPosition, position);
            maxPosition = Math.max(maxPosition, position);
            minEvent = Math.min(minEvent, ts);
            maxEvent = Math.max(maxEvent, ts);
        }
        List<String> insertLogs = new ArrayList<>();
        long bytes = 0;
        for (int from = 0; from < rows.size(); from += (int) rowsPerInsertLog) {
            String path = ObjectPaths.insertLog(collection, channel, id, insertLogs.size());
            byte[] file = AvroFiles.write(schema, rows.subList(from, (int) Math.min(rows.size(), from + rowsPerInsertLog)));
            put.accept(path, file);
            insertLogs.add(path);
            bytes += file.length;
        }
        String statsLog = ObjectPaths.statsLog(collection, channel, id);
        byte[] statsFile = SegmentFiles.statsFile(id, rows.size(), pks, bloom, bloomFpp);
        put.accept(statsLog, statsFile);
        bytes += statsFile.length;
        SegmentLevel level = task.getTargetLevel();
        return SegmentInfo.newBuilder().setId(id).setCollection(collection).setChannel(channel).setPartition(partition)
                .setLevel(level).setState(SegmentState.FLUSHED).setRows(rows.size()).setBytes(bytes)
                .setMinPosition(minPosition).setMaxPosition(maxPosition).setMinPk(pks.min()).setMaxPk(pks.max())
                .setCreatedAtMs(nowMs).setLastWriteMs(nowMs).setSchemaVersion(spec.getSchemaVersion())
                .setInsertLogPaths(insertLogs).setStatsLogPath(statsLog).setCompactedFrom(task.getInputs())
                .setSortedByPk(clusteringKey == null).setMinEventMs(minEvent).setMaxEventMs(maxEvent)
                .setClusteringMin(clusteringKey == null ? null : clusteringValue(rows.get(0).get(clusteringKey)))
                .setClusteringMax(clusteringKey == null ? null : clusteringValue(rows.get(rows.size() - 1).get(clusteringKey)))
                .build();
    }

    private static Object pk(GenericRecord row) {
        return PrimaryKeys.plain(row.get(DmlSchemas.PK));
    }

    private static Object plain(Object value) {
        return PrimaryKeys.plain(value);
    }

    /** Orders keys of one type; nulls (a field a row was written without) first. */
    @SuppressWarnings("unchecked")
    static int compare(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        return ((Comparable<Object>) a).compareTo(b);
    }

    /** A clustering-key value as the catalog keeps it: long, double or string. */
    static Object clusteringValue(Object value) {
        Object plain = PrimaryKeys.plain(value);
        if (plain instanceof Integer || plain instanceof Long) {
            return ((Number) plain).longValue();
        }
        if (plain instanceof Float || plain instanceof Double) {
            return ((Number) plain).doubleValue();
        }
        return plain instanceof String ? plain : null;
    }
}
