package io.segflow.bench;

import com.google.common.math.Quantiles;
import io.segflow.app.SegflowApp;
import io.segflow.fanout.SegmentDescription;
import io.segflow.http.ApiClient;
import io.segflow.produce.DmlProducer;
import io.segflow.produce.SyntheticWorkload;
import io.segflow.read.Metric;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.registry.RestSchemaRegistryClient;

import java.io.PrintStream;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code segflow bench read}: a collection of N rows in many small flushed segments with a share
 * of them deleted (the deletes in L0 segments), then count, get and search latencies through the
 * HTTP API, the delay from a delete's produce to the first read that no longer sees the row, and,
 * as the raw limit, a top-k scan of the same live vectors held in one plain array.
 */
public final class ReadBenchmark {
    /** Small segments, checked often so that they seal near that size, so the collection has many. */
    public static final Map<String, String> SETTINGS = Map.of("seal.capacity.bytes", String.valueOf(1 << 20),
            "seal.check.interval.ms", "100");
    private static final int K = 10;
    /** How long a benchmark waits for one answer: a first count of 10M rows decodes every file. */
    static final Duration SCAN_TIMEOUT = Duration.ofMinutes(30);
    /** The raw scan holds at most this many vectors in its array (512 MB at dim 128), and scales its time to all live rows. */
    private static final int RAW_SCAN_MAX_ROWS = 1_000_000;

    /** p50 and p99 of one kind of request, in milliseconds. */
    public record Latency(int samples, double p50, double p99) {
        static Latency of(double[] millis) {
            Map<Integer, Double> p = Quantiles.percentiles().indexes(50, 99).compute(millis);
            return new Latency(millis.length, p.get(50), p.get(99));
        }

        Latency scaled(double factor) {
            return new Latency(samples, p50 * factor, p99 * factor);
        }

        @Override
        public String toString() {
            return String.format("p50 %.1f ms, p99 %.1f ms (%d requests)", p50, p99, samples);
        }
    }

    /** The raw scan's latency, measured over {@code scannedRows} of the live rows and scaled to all of them. */
    public record RawScan(Latency latency, long scannedRows, long liveRows) {
    }

    public record Result(long rows, long deleted, int dim, int segments, int l0Segments, double firstCountMs, Latency count, Latency get,
                         Latency search, Latency deleteVisible, RawScan rawScan, long readMemoryBytes, long peakDecodedBytes,
                         HeapPeak.Figures heap) {
        public void print(PrintStream out) {
            out.printf("read: %,d rows, %,d deleted (%.0f%%), dim %d, %d flushed L1 segments, %d L0 segments%n", rows, deleted,
                    100.0 * deleted / rows, dim, segments, l0Segments);
            out.printf("  first count (decodes every file): %.0f ms%n", firstCountMs);
            out.printf("  count:  %s%n", count);
            out.printf("  get:    %s%n", get);
            out.printf("  search: %s (top %d, L2, brute force)%n", search, K);
            out.printf("  delete visible (produce -> first read without the row): %s%n", deleteVisible);
            out.printf("  raw top-%d scan of the same live vectors in one array: %s%s%n", K, rawScan.latency(),
                    rawScan.scannedRows() == rawScan.liveRows() ? "" : String.format(" (timed over %,d of the %,d, scaled)",
                            rawScan.scannedRows(), rawScan.liveRows()));
            out.printf("  ratio search / raw scan (p50): %.1f%n", search.p50() / rawScan.latency().p50());
            out.printf("  decoded files held for reads: at most %,d MB of read.memory.bytes %,d MB; %s%n", peakDecodedBytes >> 20,
                    readMemoryBytes >> 20, heap);
        }
    }

    private final SegflowApp app;
    private final int searches;
    private final PrintStream progress;

    private ReadBenchmark(SegflowApp app, int searches, PrintStream progress) {
        this.app = app;
        this.searches = searches;
        this.progress = progress;
    }

    /** {@code searches}: how many searches are timed; each one reads every live vector. */
    public static Result run(SegflowApp app, long rows, int dim, double deleteShare, int searches, long readMemoryBytes, PrintStream progress)
            throws Exception {
        try (HeapPeak heap = new HeapPeak(); DecodedPeak decoded = new DecodedPeak(app)) {
            return new ReadBenchmark(app, searches, progress).run(rows, dim, deleteShare, readMemoryBytes, heap, decoded);
        }
    }

    private Result run(long rows, int dim, double deleteShare, long readMemoryBytes, HeapPeak heap, DecodedPeak decoded) throws Exception {
        String name = "bench_read_" + System.currentTimeMillis();
        CollectionSpec spec = IngestBenchmark.createCollection(app, name, dim, 4);
        progress.printf("created %s; inserting %,d rows%n", name, rows);
        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(app.endpoints().schemaRegistry());
        IngestBenchmark.produce(spec, app.endpoints().kafka(), registry, rows);
        SplittableRandom random = new SplittableRandom(7);
        BitSet deleted = new BitSet();
        float[][] pool = IngestBenchmark.vectorPool(dim);
        try (DmlProducer producer = new DmlProducer(spec, Map.of("bootstrap.servers", app.endpoints().kafka()), registry)) {
            long target = (long) (rows * deleteShare);
            progress.printf("deleting %,d rows%n", target);
            // Counted here: BitSet.cardinality() walks the whole set, which at 10M keys made this loop quadratic.
            for (long sent = 0; sent < target; sent++) {
                deleteLiveKey(producer, random, deleted, rows);
            }
            producer.flush();
            progress.println("flushing");
            app.flushes().flush(spec, Duration.ofMinutes(10));
            List<SegmentDescription> segments = app.segments().segments(name, false);
            ApiClient api = new ApiClient(app.endpoints().http(), SCAN_TIMEOUT);
            String base = "/collections/" + name;

            long start = System.nanoTime();
            long live = api.get(base + "/count").path("count").asLong();
            double firstCount = (System.nanoTime() - start) / 1e6;
            if (live != rows - deleted.cardinality()) {
                throw new IllegalStateException("count answered " + live + ", expected " + (rows - deleted.cardinality()));
            }
            progress.println("timing count, get and search");
            Latency count = time(searches, () -> api.get(base + "/count"));
            Latency get = time(500, () -> api.find(base + "/rows/" + random.nextInt((int) rows)));
            Latency search = search(api, name, pool, random, searches);
            int deletedBefore = deleted.cardinality();
            progress.println("timing delete visibility");
            Latency visible = time(100, () -> {
                int pk = deleteLiveKey(producer, random, deleted, rows);
                producer.flush();
                while (api.find(base + "/rows/" + pk).isPresent()) {
                    Thread.onSpinWait();
                }
                return null;
            });
            RawScan raw = rawScan(rows, deleted, pool, random, searches);
            return new Result(rows, deletedBefore, dim, (int) segments.stream().filter(s -> s.level().equals("L1")).count(),
                    (int) segments.stream().filter(s -> s.level().equals("L0")).count(), firstCount, count, get, search, visible, raw, readMemoryBytes,
                    decoded.peakBytes(), heap.figures());
        }
    }

    /** Produces a delete of a random key not deleted yet, and marks it deleted. */
    private static int deleteLiveKey(DmlProducer producer, SplittableRandom random, BitSet deleted, long rows) {
        int pk = random.nextInt((int) rows);
        while (deleted.get(pk)) {
            pk = random.nextInt((int) rows);
        }
        deleted.set(pk);
        producer.send(new SyntheticWorkload.Event(DmlOp.DELETE, (long) pk, DmlSchemas.DEFAULT_PARTITION, null, Map.of()));
        return pk;
    }

    /** {@code samples} top-{@value #K} L2 searches through the HTTP API for vectors of the pool. */
    static Latency search(ApiClient api, String collection, float[][] pool, SplittableRandom random, int samples) throws Exception {
        return time(samples, () -> api.post("/collections/" + collection + "/search",
                Map.of("k", K, "metric", Metric.L2.name(), "vector", pool[random.nextInt(pool.length)])));
    }

    static Latency time(int samples, Callable<?> request) throws Exception {
        double[] millis = new double[samples];
        for (int i = 0; i < samples; i++) {
            long start = System.nanoTime();
            request.call();
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return Latency.of(millis);
    }

    /**
     * Top-k L2 over the live rows' vectors copied into one array: no storage, no deletes, no
     * decoding. Beyond {@value #RAW_SCAN_MAX_ROWS} rows the array would not fit a bounded heap,
     * so the scan covers that many and its time is scaled to every live row (a scan is linear).
     */
    private static RawScan rawScan(long rows, BitSet deleted, float[][] pool, SplittableRandom random, int samples) throws Exception {
        int dim = pool[0].length;
        long allLive = rows - deleted.cardinality();
        int live = (int) Math.min(allLive, RAW_SCAN_MAX_ROWS);
        float[] vectors = new float[live * dim];
        int n = 0;
        for (int pk = 0; pk < rows && n < live; pk++) {
            if (!deleted.get(pk)) {
                System.arraycopy(pool[pk % pool.length], 0, vectors, n++ * dim, dim);
            }
        }
        Latency latency = time(samples, () -> {
            float[] query = pool[random.nextInt(pool.length)];
            PriorityQueue<Double> top = new PriorityQueue<>(K, (a, b) -> Double.compare(b, a));
            for (int row = 0; row < live; row++) {
                double distance = Metric.L2.distance(query, vectors, row * dim);
                if (top.size() < K || distance < top.peek()) {
                    top.add(distance);
                    if (top.size() > K) {
                        top.poll();
                    }
                }
            }
            return top.peek();
        });
        return new RawScan(latency.scaled((double) allLive / live), live, allLive);
    }
}
