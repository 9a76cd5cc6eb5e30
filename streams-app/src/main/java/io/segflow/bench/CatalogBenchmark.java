package io.segflow.bench;

import com.google.common.util.concurrent.RateLimiter;
import io.segflow.app.SegflowApp;
import io.segflow.bench.ReadBenchmark.Latency;
import io.segflow.compaction.CompactionSettings;
import io.segflow.fanout.SegmentDescription;
import io.segflow.gc.CollectionDecisions;
import io.segflow.http.ApiClient;
import io.segflow.ingest.IngestSettings;
import io.segflow.metrics.SegflowMeter;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.storage.StoredObject;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * {@code segflow bench catalog}: one collection grown to each of a list of segment counts (tiny
 * segments, compaction off), and at each count what grows with it: the segment listing and a
 * count through the HTTP API, garbage collection's listing of each channel's objects and its
 * orphan decision over them, and the time the channel tasks take to come back after a restart,
 * from their local stores and, with the local state deleted, from their changelogs.
 */
public final class CatalogBenchmark {
    /** Tiny segments, sealed as soon as they fill, and nothing that would merge them. */
    public static final Map<String, String> SETTINGS = Map.of(IngestSettings.SEAL_CAPACITY_BYTES, String.valueOf(16 << 10),
            IngestSettings.SEAL_CAPACITY_JITTER, "0", IngestSettings.INGEST_TICK_MS, "5", IngestSettings.SEAL_CHECK_MS, "5",
            IngestSettings.BACKPRESSURE_MAX_SEALED, "64", IngestSettings.UPLOAD_THREADS, "4", CompactionSettings.ENABLED, "false");
    private static final int DIM = 4;
    private static final int SAMPLES = 10;

    /** Restarts the instance under test on its data; {@code dropLocalState}: first delete its Kafka Streams state folder. */
    public interface Restarts {
        SegflowApp restart(boolean dropLocalState) throws Exception;
    }

    /**
     * One restart: seconds from its start to the instance's services answering and on to every
     * segment listed again (that includes the group's rebalance), and, as the instance's meters
     * tell, the longest changelog restore of a store and the longest channel task start.
     */
    public record Restore(double servicesSeconds, double listedSeconds, double storeRestoreSeconds, double channelStartSeconds) {
        double seconds() {
            return storeRestoreSeconds + channelStartSeconds;
        }
    }

    /** What was measured at one segment count. */
    public record Point(int segments, int objects, double tickMs, Latency listing, Latency count, double gcListMs, double gcDecideMs,
                        Restore local, Restore changelog) {
    }

    public record Result(int channels, List<Point> points) {
        public void print(PrintStream out) {
            out.printf("catalog: one collection of %d channel(s), dim %d, tiny segments, compaction off; at each segment count%n", channels,
                    DIM);
            out.printf("  %8s %8s %9s %12s %12s %10s %10s %14s %20s %22s%n", "segments", "objects", "tick", "listing p50", "count p50",
                    "gc list", "gc decide", "start, local", "restore + start", "listed again after");
            for (Point p : points) {
                out.printf("  %,8d %,8d %6.2f ms %9.1f ms %9.1f ms %7.1f ms %7.2f ms %12.3f s %8.3f + %.3f s %9.1f s / %.1f s%n",
                        p.segments(), p.objects(), p.tickMs(), p.listing().p50(), p.count().p50(), p.gcListMs(), p.gcDecideMs(),
                        p.local().channelStartSeconds(),
                        p.changelog().storeRestoreSeconds(), p.changelog().channelStartSeconds(), p.local().listedSeconds(),
                        p.changelog().listedSeconds());
            }
            out.printf("  tick: the stream thread's mean punctuation while the collection grew (Streams' punctuate-latency-avg);"
                    + " start, local: a channel task opening on its local stores after a clean restart (segflow.channel.start);"
                    + " restore + start: with the local state deleted, the longest changelog restore of a store (segflow.store.restore),"
                    + " then the task's start; listed again after: from the services answering to every segment listed (local /"
                    + " changelog), the group's rebalance included%n");
            Point first = points.get(0);
            Point last = points.get(points.size() - 1);
            double segments = (double) last.segments() / first.segments();
            out.printf("  from %,d to %,d segments (x%.1f), each measure grew by (linear growth: x%.1f):%n", first.segments(), last.segments(),
                    segments, segments);
            growth(out, "tick", Point::tickMs, segments);
            growth(out, "segment listing", p -> p.listing().p50(), segments);
            growth(out, "count", p -> p.count().p50(), segments);
            growth(out, "gc list", Point::gcListMs, segments);
            growth(out, "gc decide", Point::gcDecideMs, segments);
            growth(out, "start, local", p -> p.local().channelStartSeconds(), segments);
            growth(out, "restore + start", p -> p.changelog().seconds(), segments);
        }

        private void growth(PrintStream out, String measure, ToDoubleFunction<Point> value, double linear) {
            double grew = value.applyAsDouble(points.get(points.size() - 1)) / value.applyAsDouble(points.get(0));
            out.printf("    %-22s x%.1f (%.2f of linear)%n", measure, grew, grew / linear);
        }
    }

    private final Restarts restarts;
    private final CollectionSpec spec;
    private final RateLimiter rate;
    private final PrintStream progress;
    private SegflowApp app;

    private CatalogBenchmark(SegflowApp app, Restarts restarts, CollectionSpec spec, RateLimiter rate, PrintStream progress) {
        this.app = app;
        this.restarts = restarts;
        this.spec = spec;
        this.rate = rate;
        this.progress = progress;
    }

    /** Grows a new collection on {@code app} to each of {@code sizes} segments (ascending) and measures it there. */
    public static Result run(SegflowApp app, Restarts restarts, int channels, List<Integer> sizes, int rate, PrintStream progress)
            throws Exception {
        CollectionSpec spec = IngestBenchmark.createCollection(app, "bench_catalog_" + System.currentTimeMillis(), DIM, channels);
        CatalogBenchmark bench = new CatalogBenchmark(app, restarts, spec, RateLimiter.create(rate), progress);
        List<Point> points = new ArrayList<>();
        long rows = 0;
        for (int size : sizes.stream().sorted().toList()) {
            rows = bench.grow(rows, size);
            points.add(bench.measure());
        }
        return new Result(channels, points);
    }

    /**
     * Inserts rows after the {@code rows} so far and flushes, until the collection has at least
     * {@code segments}; each round sizes its rows from the rows per segment so far. Rows go at the
     * benchmark's rate, so that a segment seals at about its tiny capacity rather than at what
     * arrives between two seal checks.
     */
    private long grow(long rows, int segments) throws Exception {
        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(app.endpoints().schemaRegistry());
        int have = segments().size();
        while (have < segments) {
            long more = have == 0 ? 10_000 : Math.max(1_000, (long) ((segments - have) * ((double) rows / have)));
            progress.printf("%,d segments; inserting %,d rows%n", have, more);
            IngestBenchmark.produce(spec, app.endpoints().kafka(), registry, rows, more, rate);
            rows += more;
            app.flushes().flush(spec, Duration.ofMinutes(30));
            have = segments().size();
        }
        return rows;
    }

    private List<SegmentDescription> segments() {
        return app.segments().segments(spec.getName(), false);
    }

    private Point measure() throws Exception {
        List<SegmentDescription> segments = segments();
        progress.printf("measuring at %,d segments%n", segments.size());
        double tickMs = app.meters().find("kafka.stream.thread.punctuate.latency.avg").tag("collection", spec.getName()).gauges().stream()
                .mapToDouble(gauge -> gauge.value()).filter(Double::isFinite).max().orElse(Double.NaN);
        ApiClient api = new ApiClient(app.endpoints().http());
        String base = "/collections/" + spec.getName();
        Latency listing = ReadBenchmark.time(SAMPLES, () -> api.get(base + "/segments"));
        Latency count = ReadBenchmark.time(SAMPLES, () -> api.get(base + "/count"));

        Set<String> referenced = new HashSet<>();
        segments.forEach(s -> {
            referenced.addAll(s.insertLogPaths());
            referenced.addAll(s.deltaLogPaths());
            if (s.statsLogPath() != null) {
                referenced.add(s.statsLogPath());
            }
        });
        double listMs = 0;
        double decideMs = 0;
        int objects = 0;
        for (int channel = 0; channel < spec.getChannels(); channel++) {
            long start = System.nanoTime();
            List<StoredObject> listed = app.storage().list(spec.getName() + "/" + channel + "/");
            listMs += (System.nanoTime() - start) / 1e6;
            List<String> orphans = CollectionDecisions.orphans(listed, referenced, Set.of(), path -> false, Long.MAX_VALUE);
            // a few milliseconds: the median of several, so that one collection pause does not make the figure
            decideMs += ReadBenchmark.time(SAMPLES,
                    () -> CollectionDecisions.orphans(listed, referenced, Set.of(), path -> false, Long.MAX_VALUE)).p50();
            objects += listed.size();
            if (!orphans.isEmpty()) {
                throw new IllegalStateException(orphans.size() + " objects no segment names, such as " + orphans.get(0));
            }
        }
        Restore local = restore(false, segments.size());
        Restore changelog = restore(true, segments.size());
        return new Point(segments.size(), objects, tickMs, listing, count, listMs, decideMs, local, changelog);
    }

    /** Restarts the instance and times it until every segment is listed again. */
    private Restore restore(boolean dropLocalState, int segments) throws Exception {
        progress.printf("restarting%s%n", dropLocalState ? " without the local state" : "");
        long start = System.nanoTime();
        app = restarts.restart(dropLocalState);
        long services = System.nanoTime();
        long deadline = services + Duration.ofMinutes(10).toNanos();
        while (true) {
            try {
                if (segments().size() == segments) {
                    break;
                }
            } catch (RuntimeException e) {
                // Not yet: the channels are being assigned or restored.
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the " + segments + " segments were not listed again within 10 minutes");
            }
            Thread.sleep(20);
        }
        double listed = (System.nanoTime() - services) / 1e9;
        return new Restore((services - start) / 1e9, listed, longest(SegflowMeter.STORE_RESTORE), longest(SegflowMeter.CHANNEL_START));
    }

    /** The longest time the instance's timer {@code meter} recorded for this collection since it started, in seconds. */
    private double longest(SegflowMeter meter) {
        return app.meters().find(meter.meterName()).tag("collection", spec.getName()).timers().stream()
                .mapToDouble(timer -> timer.max(TimeUnit.SECONDS)).max().orElse(0);
    }
}
