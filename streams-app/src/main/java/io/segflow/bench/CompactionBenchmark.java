package io.segflow.bench;

import io.micrometer.core.instrument.Timer;
import io.segflow.compaction.CompactionIo;
import io.segflow.storage.StoredObject;
import io.segflow.app.SegflowApp;
import io.segflow.bench.ReadBenchmark.Latency;
import io.segflow.fanout.SegmentDescription;
import io.segflow.compaction.CompactionSettings;
import io.segflow.http.ApiClient;
import io.segflow.produce.DmlProducer;
import io.segflow.produce.SyntheticWorkload;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.storage.AvroFiles;
import io.segflow.storage.ObjectStorage;
import org.apache.avro.generic.GenericRecord;

import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code segflow bench compaction}, in two halves around a restart. {@link #fragment} builds a
 * fragmented collection with compaction off (many small segments, a share of the rows deleted and
 * a share upserted), times searches on it and copies its objects through the same S3 server for
 * the raw rate. {@link #converge}, on the instance started again with compaction on, waits until
 * no object holds a deleted or replaced row and the segments stop changing, then measures again.
 */
public final class CompactionBenchmark {
    /** Small segments, checked often so that they seal near that size. */
    public static final Map<String, String> FRAGMENT_SETTINGS = Map.of("seal.capacity.bytes", String.valueOf(256 << 10),
            "seal.check.interval.ms", "20");
    public static final Map<String, String> COMPACTION_OFF = Map.of(CompactionSettings.ENABLED, "false");
    public static final Map<String, String> COMPACTION_ON = Map.of(CompactionSettings.ENABLED, "true");
    /** An upserted row's new vector is the pool's vector this many places further on. */
    private static final int UPSERT_SHIFT = 7919;
    private static final String COPY_PREFIX = "bench-copy/";
    /** The warm-up collection's segments unchanged this long count as settled. */
    private static final long WARM_SETTLE_MS = 3_000;

    /** The collection as ingest left it, and what was measured on it. */
    public record Fragmented(CollectionSpec spec, long rows, BitSet deleted, BitSet upserted, int l1Segments, int l0Segments, Bucket bucket,
                             long storedRows, Latency search, double copySeconds) {
        long live() {
            return rows - deleted.cardinality();
        }

        /** Bytes the live rows take in insert logs, at the bytes per row the flushed insert logs have. */
        double liveBytes() {
            return (double) bucket.insertLogBytes() * live() / storedRows;
        }
    }

    /** Objects under a prefix: how many, their bytes, and the shares of insert and delta logs. */
    public record Bucket(int objects, long bytes, long insertLogBytes, int deltaLogs, long deltaLogBytes) {
        static Bucket of(List<StoredObject> items) {
            List<StoredObject> deltaLogs = items.stream().filter(i -> i.path().contains("/delta_log/")).toList();
            return new Bucket(items.size(), items.stream().mapToLong(StoredObject::size).sum(),
                    items.stream().filter(i -> i.path().contains("/insert_log/")).mapToLong(StoredObject::size).sum(),
                    deltaLogs.size(), deltaLogs.stream().mapToLong(StoredObject::size).sum());
        }

        @Override
        public String toString() {
            return String.format("%,d objects, %.1f MB (insert logs %.1f MB, %d delta logs %.2f MB)", objects, bytes / 1e6,
                    insertLogBytes / 1e6, deltaLogs, deltaLogBytes / 1e6);
        }
    }

    /** The compaction meters of the collection: committed tasks' bytes and the workers' time, in all and by task type. */
    public record Work(long tasks, long bytesRead, long bytesWritten, long rowsDropped, double workerSeconds, SortedMap<String, Work> byType) {
        static Work of(SegflowApp app, String collection) {
            SortedMap<String, Work> byType = new TreeMap<>();
            for (Timer timer : app.meters().find("segflow.compaction.worker").tag("collection", collection).timers()) {
                String type = timer.getId().getTag("type");
                byType.put(type, counted(app, collection, type, timer.totalTime(TimeUnit.SECONDS), Collections.emptySortedMap()));
            }
            return counted(app, collection, null, byType.values().stream().mapToDouble(Work::workerSeconds).sum(), byType);
        }

        /** The counters of the collection's tasks, of one type or (null) of all. */
        private static Work counted(SegflowApp app, String collection, String type, double workerSeconds, SortedMap<String, Work> byType) {
            return new Work((long) counter(app, "segflow.compaction.tasks", collection, type),
                    (long) counter(app, "segflow.compaction.bytes.read", collection, type),
                    (long) counter(app, "segflow.compaction.bytes.written", collection, type),
                    (long) counter(app, "segflow.compaction.rows.dropped", collection, type), workerSeconds, byType);
        }

        /** The counter's total over the collection's task types, or of one type. */
        private static double counter(SegflowApp app, String name, String collection, String type) {
            var search = app.meters().find(name).tag("collection", collection);
            return (type == null ? search : search.tag("type", type)).counters().stream().mapToDouble(c -> c.count()).sum();
        }

        double inputMegabytesPerWorkerSecond() {
            return bytesRead / workerSeconds / 1e6;
        }
    }

    public record Result(Fragmented before, int segmentsAfter, Bucket bucketAfter, double reclaimSeconds, double convergeSeconds,
                         long deadlineMs, Latency searchAfter, Work work, CompactionIo.Totals io, long ioLimit, Map<String, Double> threads,
                         IngestBenchmark.CpuTime cpu, HeapPeak.Figures heap) {
        public void print(PrintStream out) {
            Fragmented b = before;
            out.printf("compaction: %,d rows, dim %d, %d channels; %,d deleted (%.0f%%), %,d upserted (%.0f%%); written with compaction"
                    + " off, then compacted after a restart with it on%n", b.rows(), b.spec().getDim(), b.spec().getChannels(),
                    b.deleted().cardinality(), 100.0 * b.deleted().cardinality() / b.rows(), b.upserted().cardinality(),
                    100.0 * b.upserted().cardinality() / b.rows());
            out.printf("  live rows: %,d, %.1f MB at the insert logs' %.0f bytes per row%n", b.live(), b.liveBytes() / 1e6,
                    (double) b.bucket().insertLogBytes() / b.storedRows());
            out.printf("  before: %d L1 + %d L0 segments, bucket %s: space amplification %.2f%n", b.l1Segments(), b.l0Segments(),
                    b.bucket(), b.bucket().bytes() / b.liveBytes());
            out.printf("  after: %d L1/L2 segments, bucket %s: space amplification %.2f (target <= 1.15)%n", segmentsAfter, bucketAfter,
                    bucketAfter.bytes() / b.liveBytes());
            out.printf("  every deleted or replaced row's bytes gone from the bucket %.1f s after compaction was switched on"
                    + " (deadline %.0f s); segments settled after %.1f s%n", reclaimSeconds, deadlineMs / 1e3, convergeSeconds);
            out.printf("  search before: %s%n", b.search());
            out.printf("  search after:  %s%n", searchAfter);
            out.printf("  compaction: %,d tasks read %.1f MB and wrote %.1f MB, dropped %,d rows, in %.1f worker-seconds:"
                    + " %.1f MB/s of input per worker%n", work.tasks(), work.bytesRead() / 1e6, work.bytesWritten() / 1e6,
                    work.rowsDropped(), work.workerSeconds(), work.inputMegabytesPerWorkerSecond());
            work.byType().forEach((type, typed) -> out.printf("    %s: %,d tasks read %.1f MB in %.1f worker-seconds: %.1f MB/s per worker%n",
                    type, typed.tasks(), typed.bytesRead() / 1e6, typed.workerSeconds(), typed.inputMegabytesPerWorkerSecond()));
            out.printf("  write amplification: (%.1f MB flushed + %.1f MB compacted) / %.1f MB flushed = %.2f%n",
                    b.bucket().bytes() / 1e6, work.bytesWritten() / 1e6, b.bucket().bytes() / 1e6,
                    (double) (b.bucket().bytes() + work.bytesWritten()) / b.bucket().bytes());
            out.printf("  compaction I/O of the instance: %.1f MB read and written in %.1f s with a task running: %.1f MB/s%s%n",
                    io.bytes() / 1e6, io.busySeconds(), io.bytesPerSecond() / 1e6, ioLimit == 0 ? " (no limit)"
                            : String.format(" against compaction.io.bytes.per.second of %.1f MB/s: ratio %.2f", ioLimit / 1e6,
                            io.bytesPerSecond() / ioLimit));
            double compactionCpu = threads.get("compaction workers") + threads.get("compaction reads and writes");
            out.printf("  CPU while compaction converged: compaction threads %.1f core-seconds, %.1f ms per MB of input; the whole"
                    + " process %.1f core-seconds%n", compactionCpu, compactionCpu * 1e3 / (work.bytesRead() / 1e6), cpu.processSeconds());
            ThreadCpu.print(out, threads, cpu);
            out.printf("  %s%n", heap);
            double copyRate = b.bucket().bytes() / b.copySeconds() / 1e6;
            out.printf("  raw copy (get + put, one thread, same client and S3 server) of the collection's %,d objects: %.1f MB in"
                    + " %.2f s, %.1f MB/s%n", b.bucket().objects(), b.bucket().bytes() / 1e6, b.copySeconds(), copyRate);
            out.printf("  ratio compaction input rate per worker / raw copy rate: %.2f (target >= 0.5)%n",
                    work.inputMegabytesPerWorkerSecond() / copyRate);
        }
    }

    private CompactionBenchmark() {
    }

    /** Builds the fragmented collection on {@code app}, which runs with compaction off, and measures it. */
    public static Fragmented fragment(SegflowApp app, long rows, int dim, int channels, double deleteShare, double upsertShare,
                                      int searches, PrintStream progress) throws Exception {
        String name = "bench_compaction_" + System.currentTimeMillis();
        CollectionSpec spec = IngestBenchmark.createCollection(app, name, dim, channels);
        progress.printf("created %s; inserting %,d rows%n", name, rows);
        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(app.endpoints().schemaRegistry());
        IngestBenchmark.produce(spec, app.endpoints().kafka(), registry, rows);
        float[][] pool = IngestBenchmark.vectorPool(dim);
        BitSet deleted = new BitSet();
        BitSet upserted = new BitSet();
        SplittableRandom random = new SplittableRandom(11);
        long deletes = (long) (rows * deleteShare);
        long upserts = (long) (rows * upsertShare);
        progress.printf("deleting %,d rows and upserting %,d%n", deletes, upserts);
        try (DmlProducer producer = new DmlProducer(spec, Map.of("bootstrap.servers", app.endpoints().kafka()), registry)) {
            // Counted here: BitSet.cardinality() walks the whole set, which at 10M keys made this loop quadratic.
            long deletesSent = 0;
            long upsertsSent = 0;
            while (deletesSent < deletes || upsertsSent < upserts) {
                int pk = random.nextInt((int) rows);
                if (deleted.get(pk) || upserted.get(pk)) {
                    continue;
                }
                boolean delete = upsertsSent >= upserts || (deletesSent < deletes && random.nextDouble() < deleteShare
                        / (deleteShare + upsertShare));
                if (delete) {
                    deletesSent++;
                    deleted.set(pk);
                    producer.send(new SyntheticWorkload.Event(DmlOp.DELETE, (long) pk, DmlSchemas.DEFAULT_PARTITION, null, Map.of()));
                } else {
                    upsertsSent++;
                    upserted.set(pk);
                    producer.send(new SyntheticWorkload.Event(DmlOp.UPSERT, (long) pk, DmlSchemas.DEFAULT_PARTITION,
                            pool[(pk + UPSERT_SHIFT) % pool.length], Map.of()));
                }
            }
        }
        progress.println("flushing");
        app.flushes().flush(spec, Duration.ofMinutes(10));
        List<SegmentDescription> segments = app.segments().segments(name, false);
        long storedRows = rowSegments(segments).mapToLong(SegmentDescription::rows).sum();
        ApiClient api = new ApiClient(app.endpoints().http(), ReadBenchmark.SCAN_TIMEOUT);
        checkCount(api, name, rows - deleted.cardinality());
        progress.println("timing search on the fragmented collection");
        Latency search = ReadBenchmark.search(api, name, pool, random, searches);
        progress.println("copying the collection's objects for the raw rate");
        ObjectStorage storage = app.storage();
        List<StoredObject> objects = storage.list(name + "/");
        long start = System.nanoTime();
        for (StoredObject object : objects) {
            storage.put(COPY_PREFIX + object.path(), storage.get(object.path()));
        }
        double copySeconds = (System.nanoTime() - start) / 1e9;
        for (StoredObject object : objects) {
            storage.remove(COPY_PREFIX + object.path());
        }
        return new Fragmented(spec, rows, deleted, upserted, (int) segments.stream().filter(s -> s.level().equals("L1")).count(),
                (int) segments.stream().filter(s -> s.level().equals("L0")).count(), Bucket.of(objects), storedRows, search, copySeconds);
    }

    /**
     * On {@code app}, started again with compaction on, waits until the warm-up collection {@code warm}
     * has no L0 segment left, each of its channels has had a mix rewrite, and its segments have not
     * changed for {@link #WARM_SETTLE_MS}: by then the rewrites' and the L0 deletes' code has run often
     * enough to be compiled, so the measured run does not share the cores with the JIT compiler.
     */
    public static void warm(SegflowApp app, Fragmented warm, Duration maxWait, PrintStream progress) throws Exception {
        String name = warm.spec().getName();
        long deadline = System.nanoTime() + maxWait.toNanos();
        Set<Long> lastIds = Set.of();
        long lastChange = System.nanoTime();
        while (true) {
            List<SegmentDescription> flushed = app.segments().segments(name, false).stream().filter(s -> s.state().equals("FLUSHED")).toList();
            Set<Long> ids = flushed.stream().map(SegmentDescription::id).collect(Collectors.toSet());
            long now = System.nanoTime();
            if (!ids.equals(lastIds)) {
                lastIds = ids;
                lastChange = now;
            }
            Work mixes = Work.of(app, name).byType().get("MIX");
            boolean mixed = mixes != null && mixes.tasks() >= warm.spec().getChannels();
            if (mixed && flushed.stream().noneMatch(s -> s.level().equals("L0")) && now - lastChange >= TimeUnit.MILLISECONDS.toNanos(WARM_SETTLE_MS)) {
                progress.printf("warmed up: %d compaction tasks of the warm-up collection ran%n", Work.of(app, name).tasks());
                return;
            }
            if (now > deadline) {
                throw new IllegalStateException("the warm-up collection did not settle within " + maxWait);
            }
            Thread.sleep(500);
        }
    }

    /**
     * On {@code app}, started again with compaction on, waits until no object holds a deleted or
     * replaced row, no L0 segment is left, and the segments have not changed for {@code settleMs}; measures
     * again and checks every live row, and only those, is in the bucket once.
     */
    public static Result converge(SegflowApp app, Fragmented before, CompactionSettings settings, long settleMs, Duration maxWait,
                                  int searches, PrintStream progress) throws Exception {
        try (HeapPeak heap = new HeapPeak()) {
            return converge(app, before, settings, settleMs, maxWait, searches, heap, progress);
        }
    }

    private static Result converge(SegflowApp app, Fragmented before, CompactionSettings settings, long settleMs, Duration maxWait,
                                   int searches, HeapPeak heap, PrintStream progress) throws Exception {
        String name = before.spec().getName();
        ThreadCpu threadsAtStart = ThreadCpu.now();
        IngestBenchmark.CpuTime cpuAtStart = IngestBenchmark.CpuTime.now();
        long start = System.nanoTime();
        long deadline = start + maxWait.toNanos();
        app.segments().segments(name, true);
        progress.println("compaction on; waiting until every deleted row's bytes are gone and the segments settle");
        double reclaimSeconds = -1;
        List<SegmentDescription> flushed = List.of();
        Set<Long> lastIds = Set.of();
        long lastChange = start;
        while (true) {
            flushed = app.segments().segments(name, false).stream().filter(s -> s.state().equals("FLUSHED")).toList();
            Set<Long> ids = flushed.stream().map(SegmentDescription::id).collect(Collectors.toSet());
            long now = System.nanoTime();
            if (!ids.equals(lastIds)) {
                lastIds = ids;
                lastChange = now;
            }
            if (reclaimSeconds < 0 && reclaimed(app.storage().list(name + "/"), flushed, before.live())) {
                reclaimSeconds = (now - start) / 1e9;
                progress.printf("reclaimed after %.1f s%n", reclaimSeconds);
            }
            boolean deletesMoved = flushed.stream().noneMatch(s -> s.level().equals("L0"));
            if (reclaimSeconds >= 0 && deletesMoved && now - lastChange >= TimeUnit.MILLISECONDS.toNanos(settleMs)) {
                break;
            }
            if (now > deadline) {
                throw new IllegalStateException("not converged within " + maxWait + ": " + flushed.size() + " flushed segments, reclaimed: "
                        + (reclaimSeconds >= 0));
            }
            Thread.sleep(1000);
        }
        CompactionIo.Totals io = app.compactionIo().totals();
        Map<String, Double> threads = ThreadCpu.now().since(threadsAtStart);
        IngestBenchmark.CpuTime processCpu = IngestBenchmark.CpuTime.now().since(cpuAtStart);
        HeapPeak.Figures heapFigures = heap.figures();
        double convergeSeconds = (lastChange - start) / 1e9;
        List<StoredObject> objects = app.storage().list(name + "/");
        float[][] pool = IngestBenchmark.vectorPool(before.spec().getDim());
        verifyLiveRows(app.storage(), objects, before, pool);
        ApiClient api = new ApiClient(app.endpoints().http(), ReadBenchmark.SCAN_TIMEOUT);
        checkCount(api, name, before.live());
        progress.println("timing search after convergence");
        Latency searchAfter = ReadBenchmark.search(api, name, pool, new SplittableRandom(13), searches);
        return new Result(before, (int) rowSegments(flushed).count(), Bucket.of(objects), reclaimSeconds, convergeSeconds,
                settings.thresholds(before.spec()).reclaimDeadlineMs(), searchAfter, Work.of(app, name), io, settings.ioBytesPerSecond(), threads,
                processCpu, heapFigures);
    }

    /**
     * Whether the bucket holds only live rows: every insert log is a Flushed segment's, and those
     * segments hold as many rows as are live (so none of them holds a deleted or replaced row).
     */
    private static boolean reclaimed(List<StoredObject> objects, List<SegmentDescription> flushed, long live) {
        Set<String> referenced = new HashSet<>();
        flushed.forEach(s -> referenced.addAll(s.insertLogPaths()));
        return objects.stream().map(StoredObject::path).filter(path -> path.contains("/insert_log/")).allMatch(referenced::contains)
                && rowSegments(flushed).mapToLong(SegmentDescription::rows).sum() == live;
    }

    /** L1 and L2 segments: those holding rows (an L0 segment's rows are deletes). */
    private static Stream<SegmentDescription> rowSegments(List<SegmentDescription> segments) {
        return segments.stream().filter(s -> !s.level().equals("L0"));
    }

    /** Decodes every insert log left: each live key once, with its latest vector, and no other row. */
    private static void verifyLiveRows(ObjectStorage storage, List<StoredObject> objects, Fragmented before, float[][] pool) {
        BitSet seen = new BitSet();
        for (StoredObject object : objects) {
            if (!object.path().contains("/insert_log/")) {
                continue;
            }
            for (GenericRecord row : AvroFiles.<GenericRecord>read(storage.get(object.path()))) {
                int pk = (int) (long) (Long) row.get(DmlSchemas.PK);
                int vector = before.upserted().get(pk) ? (pk + UPSERT_SHIFT) % pool.length : pk % pool.length;
                if (before.deleted().get(pk) || seen.get(pk) || !sameVector((ByteBuffer) row.get(DmlSchemas.VECTOR), pool[vector])) {
                    throw new IllegalStateException("row of key " + pk + " in " + object.path() + " is deleted, replaced or twice");
                }
                seen.set(pk);
            }
        }
        if (seen.cardinality() != before.live()) {
            throw new IllegalStateException("the bucket holds " + seen.cardinality() + " live rows, not " + before.live());
        }
    }

    private static boolean sameVector(ByteBuffer bytes, float[] expected) {
        ByteBuffer values = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (float v : expected) {
            if (values.remaining() < Float.BYTES || values.getFloat() != v) {
                return false;
            }
        }
        return !values.hasRemaining();
    }

    private static void checkCount(ApiClient api, String collection, long expected) throws Exception {
        long count = api.get("/collections/" + collection + "/count").path("count").asLong();
        if (count != expected) {
            throw new IllegalStateException("count answered " + count + ", expected " + expected);
        }
    }
}
