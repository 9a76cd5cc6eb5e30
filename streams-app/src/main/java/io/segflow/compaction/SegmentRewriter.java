package io.segflow.compaction;

import com.google.common.collect.Iterators;
import com.google.common.io.Closer;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.CompactionTask;
import io.segflow.schema.CompactionType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentState;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.segment.PkRange;
import io.segflow.storage.AvroFiles;
import io.segflow.storage.KeyBloom;
import io.segflow.storage.ObjectPaths;
import io.segflow.storage.SegmentFiles;
import io.segflow.storage.WriteBehind;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * The rows and files of a rewrite: live rows of the inputs resolved to the collection's schema of
 * now, ordered by primary key (or by clustering key, for clustering), cut into outputs and encoded
 * as insert logs and a stats log each, like a flush writes them. Rows beyond the memory budget are
 * sorted and spilled to local disk as runs, which are merged when the outputs are written, so a
 * clustering of a whole partition or a large force merge holds the budget and one insert log, not
 * every row it rewrites. Rows stay in their Avro binary from input to output ({@link EncodedRows}):
 * a rewrite reads only the fields it orders and filters by.
 */
public final class SegmentRewriter {
    /** Runs merged at once: open files and a block buffer each, whatever the size of the rewrite. */
    static final int MERGE_FAN_IN = 64;

    private final long rowsPerInsertLog;
    private final double bloomFpp;
    private final Path spillDir;
    private final long memoryBytes;

    /**
     * @param spillDir    where runs go; the caller empties it at start-up, since a crash leaves them behind
     * @param memoryBytes rows held in memory, by their encoded size, before they are spilled as a run
     */
    public SegmentRewriter(long rowsPerInsertLog, double bloomFpp, Path spillDir, long memoryBytes) {
        this.rowsPerInsertLog = rowsPerInsertLog;
        this.bloomFpp = bloomFpp;
        this.spillDir = spillDir;
        this.memoryBytes = memoryBytes;
    }

    /** The live rows of a rewrite, in memory and in spilled runs; closing it deletes the runs. */
    public static final class Rows implements AutoCloseable {
        // Positions are unique in a channel, so each order is total and a merge of runs gives what one sort would.
        // Written out rather than composed from Comparator.comparing: the sort calls them for every pair it compares.
        private static final Comparator<EncodedRow> BY_PK = (a, b) -> {
            int byPk = compare(a.pk(), b.pk());
            return byPk != 0 ? byPk : Long.compare(a.position(), b.position());
        };
        private static final Comparator<EncodedRow> BY_CLUSTERING = (a, b) -> {
            int byClustering = compare(a.clustering(), b.clustering());
            return byClustering != 0 ? byClustering : BY_PK.compare(a, b);
        };

        private final long ttlMs;
        private final String clusteringKey;
        private final EncodedRows files;
        private final Comparator<EncodedRow> order;
        private final long bytesPerRow;
        private final long maxInMemory;
        private final Path spillDir;
        private final List<EncodedRow> live = new ArrayList<>();
        /** Spilled runs by tier: a tier-n run is {@code MERGE_FAN_IN}^n spills merged. */
        private final List<List<Path>> tiers = new ArrayList<>();
        private final Closer readers = Closer.create();
        private long spilled;
        private int spills;
        private long dropped;

        private Rows(EncodedRows files, long ttlMs, String clusteringKey, long bytesPerRow, long memoryBytes, Path spillDir) {
            this.files = files;
            this.ttlMs = ttlMs;
            this.clusteringKey = clusteringKey;
            this.order = clusteringKey == null ? BY_PK : BY_CLUSTERING;
            this.bytesPerRow = bytesPerRow;
            this.maxInMemory = Math.max(1, memoryBytes / bytesPerRow);
            this.spillDir = spillDir;
        }

        /** Adds the rows of an insert log that no later delete removed and that have not expired by {@code nowMs}. */
        public void addLive(byte[] insertLog, NewestDeletes deletes, long nowMs) {
            try (EncodedRows.Reader rows = files.read(insertLog)) {
                while (rows.hasNext()) {
                    EncodedRow row = rows.next();
                    boolean deleted = deletes.newest(row.pk()) > row.position();
                    boolean expired = ttlMs > 0 && row.ts() + ttlMs <= nowMs;
                    if (deleted || expired) {
                        dropped++;
                    } else {
                        live.add(row);
                        if (live.size() >= maxInMemory) {
                            spill();
                        }
                    }
                }
            }
        }

        /** Writes the rows in memory, sorted, as a run of their own; merges a tier of runs once it is full. */
        private void spill() {
            live.sort(order);
            addRun(0, writeRun(live.iterator()));
            spilled += live.size();
            spills++;
            live.clear();
        }

        /**
         * Adds a run to its tier; a full tier merges into one run of the next. So the final merge
         * reads at most {@code MERGE_FAN_IN} runs per tier, and each row is merged once per tier.
         */
        private void addRun(int tier, Path run) {
            if (tiers.size() == tier) {
                tiers.add(new ArrayList<>());
            }
            List<Path> runs = tiers.get(tier);
            runs.add(run);
            if (runs.size() == MERGE_FAN_IN) {
                Path merged;
                try (Closer closer = Closer.create()) {
                    merged = writeRun(Iterators.mergeSorted(open(runs, closer), order));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot merge spilled runs in " + spillDir, e);
                }
                delete(runs);
                runs.clear();
                addRun(tier + 1, merged);
            }
        }

        /** A run file of {@code rows}, in order (uncompressed Avro: it is read back once, soon). */
        private Path writeRun(Iterator<EncodedRow> rows) {
            try {
                Files.createDirectories(spillDir);
                Path run = Files.createTempFile(spillDir, "run-", ".avro");
                files.write(rows, run);
                return run;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot spill rows of a rewrite to " + spillDir, e);
            }
        }

        /** Readers of {@code runs}, each reading a block at a time, closed by {@code closer}. */
        private List<Iterator<EncodedRow>> open(List<Path> runs, Closer closer) {
            List<Iterator<EncodedRow>> readers = new ArrayList<>();
            for (Path run : runs) {
                try {
                    readers.add(closer.register(files.read(run)));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read back the spilled run " + run, e);
                }
            }
            return readers;
        }

        private static void delete(List<Path> runs) {
            for (Path run : runs) {
                try {
                    Files.deleteIfExists(run);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot delete the spilled run " + run, e);
                }
            }
        }

        /** Every live row in order: the rows in memory, sorted, merged with the runs. */
        private Iterator<EncodedRow> sorted() {
            live.sort(order);
            if (tiers.isEmpty()) {
                return live.iterator();
            }
            List<Iterator<EncodedRow>> sources = new ArrayList<>();
            tiers.forEach(runs -> sources.addAll(open(runs, readers)));
            sources.add(live.iterator());
            return Iterators.mergeSorted(sources, order);
        }

        public long dropped() {
            return dropped;
        }

        public long size() {
            return spilled + live.size();
        }

        /** How many times rows in memory went to disk as a run. */
        public int spills() {
            return spills;
        }

        @Override
        public void close() {
            try {
                readers.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close the spilled runs of a rewrite in " + spillDir, e);
            } finally {
                tiers.forEach(Rows::delete);
            }
        }
    }

    /** The rows of {@code task}, which reads inputs of {@code bytesPerRow} on average. */
    public Rows rows(CompactionTask task, CollectionSpec spec, long bytesPerRow) {
        String clusteringKey = task.getType() == CompactionType.CLUSTERING ? spec.getClusteringKey() : null;
        return new Rows(new EncodedRows(spec, clusteringKey), spec.getTtlMs(), clusteringKey, Math.max(1, bytesPerRow), memoryBytes, spillDir);
    }

    /**
     * Writes the outputs of {@code task} through {@code put} and describes them (Flushed as of the
     * commit). As many outputs as the live bytes need at the task's target size, but never more
     * than the ids the coordinator allocated; none if no row is live.
     */
    public List<SegmentInfo> write(CompactionTask task, CollectionSpec spec, String partition, Rows rows, long nowMs,
                                   WriteBehind.Put put) throws Exception {
        long total = rows.size();
        if (total == 0) {
            return List.of();
        }
        int outputs = Math.min(task.getOutputIds().size(), OutputSizing.outputs(total * rows.bytesPerRow, task.getTargetSizeBytes()));
        long perOutput = (total + outputs - 1) / outputs;
        Iterator<EncodedRow> sorted = rows.sorted();
        List<SegmentInfo> written = new ArrayList<>();
        for (int i = 0; i < outputs && sorted.hasNext(); i++) {
            long count = Math.min(perOutput, total - i * perOutput);
            written.add(output(task, spec, partition, task.getOutputIds().get(i), sorted, count, rows, nowMs, put));
        }
        return written;
    }

    /** One output of the next {@code count} rows of {@code sorted}, an insert log's rows in memory at a time. */
    private SegmentInfo output(CompactionTask task, CollectionSpec spec, String partition, long id, Iterator<EncodedRow> sorted,
                               long count, Rows rows, long nowMs, WriteBehind.Put put) throws Exception {
        String collection = task.getCollection();
        int channel = task.getChannel();
        String clusteringKey = rows.clusteringKey;
        KeyBloom bloom = KeyBloom.create(count, bloomFpp);
        PkRange pks = new PkRange();
        long minPosition = Long.MAX_VALUE;
        long maxPosition = -1;
        long minEvent = Long.MAX_VALUE;
        long maxEvent = 0;
        Object clusteringMin = null;
        Object clusteringMax = null;
        List<String> insertLogs = new ArrayList<>();
        long bytes = 0;
        for (long left = count; left > 0; ) {
            int n = (int) Math.min(left, rowsPerInsertLog);
            List<ByteBuffer> chunk = new ArrayList<>(n);
            EncodedRow first = null;
            EncodedRow row = null;
            for (int i = 0; i < n; i++) {
                row = sorted.next();
                first = i == 0 ? row : first;
                chunk.add(ByteBuffer.wrap(row.bytes()));
                bloom.put(PrimaryKeys.encode(row.pk()));
                pks.add(row.pk());
                minPosition = Math.min(minPosition, row.position());
                maxPosition = Math.max(maxPosition, row.position());
                minEvent = Math.min(minEvent, row.ts());
                maxEvent = Math.max(maxEvent, row.ts());
            }
            if (clusteringKey != null) {
                clusteringMin = insertLogs.isEmpty() ? clusteringValue(first.clustering()) : clusteringMin;
                clusteringMax = clusteringValue(row.clustering());
            }
            String path = ObjectPaths.insertLog(collection, channel, id, insertLogs.size());
            byte[] file = AvroFiles.writeEncoded(rows.files.schema(), chunk);
            put.put(path, file);
            insertLogs.add(path);
            bytes += file.length;
            left -= n;
        }
        String statsLog = ObjectPaths.statsLog(collection, channel, id);
        byte[] statsFile = SegmentFiles.statsFile(id, count, pks, bloom, bloomFpp);
        put.put(statsLog, statsFile);
        bytes += statsFile.length;
        return SegmentInfo.newBuilder().setId(id).setCollection(collection).setChannel(channel).setPartition(partition)
                .setLevel(task.getTargetLevel()).setState(SegmentState.FLUSHED).setRows(count).setBytes(bytes)
                .setMinPosition(minPosition).setMaxPosition(maxPosition).setMinPk(pks.min()).setMaxPk(pks.max())
                .setCreatedAtMs(nowMs).setLastWriteMs(nowMs).setSchemaVersion(spec.getSchemaVersion())
                .setInsertLogPaths(insertLogs).setStatsLogPath(statsLog).setCompactedFrom(task.getInputs())
                .setSortedByPk(clusteringKey == null).setMinEventMs(minEvent).setMaxEventMs(maxEvent)
                .setClusteringMin(clusteringMin).setClusteringMax(clusteringMax)
                .build();
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
    static Object clusteringValue(Object plain) {
        if (plain instanceof Integer || plain instanceof Long) {
            return ((Number) plain).longValue();
        }
        if (plain instanceof Float || plain instanceof Double) {
            return ((Number) plain).doubleValue();
        }
        return plain instanceof String ? plain : null;
    }
}
