package io.segflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.segflow.app.SegflowApp;
import io.segflow.collection.CollectionTopics;
import io.segflow.http.ApiClient;
import io.segflow.produce.DmlProducer;
import io.segflow.produce.SyntheticWorkload;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.storage.StoredObject;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code segflow bench backpressure}, one run per instance setting: a collection of {@code keys}
 * rows is upserted flat out, every key many times over, while compaction is held to a trickle
 * ({@code compaction.io.bytes.per.second}); each upsert leaves a dead row behind until compaction
 * rewrites it away. Every second the bucket's bytes are set against the live rows' bytes: the space
 * amplification, which without backpressure grows with every upsert and with it stays bounded,
 * ingest waiting for compaction instead.
 */
public final class BackpressureBenchmark {
    private static final long SAMPLE_MS = 1000;

    /** One run: how long ingest took, and the space amplification it left on the way. */
    public record Run(String label, int keys, long upserts, double ingestSeconds, double peakSpaceAmplification,
                      double endSpaceAmplification, double heldSeconds, String backpressure) {
        public void print(PrintStream out) {
            out.printf("  %-16s %,d upserts of %,d keys in %.1f s (%,.0f rows/s); space amplification peak %.2f, at the end %.2f;"
                    + " records held back %.1f s; backpressure at the end: %s%n", label, upserts, keys, ingestSeconds,
                    upserts / ingestSeconds, peakSpaceAmplification, endSpaceAmplification, heldSeconds, backpressure);
        }
    }

    private BackpressureBenchmark() {
    }

    public static Run run(SegflowApp app, String label, int keys, long upserts, int dim, int channels, PrintStream progress)
            throws Exception {
        String name = "bench_backpressure_" + System.currentTimeMillis();
        CollectionSpec spec = IngestBenchmark.createCollection(app, name, dim, channels);
        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(app.endpoints().schemaRegistry());
        ApiClient api = new ApiClient(app.endpoints().http());
        progress.printf("%s: created %s; loading %,d rows%n", label, name, keys);
        IngestBenchmark.produce(spec, app.endpoints().kafka(), registry, keys);
        app.flushes().flush(spec, Duration.ofMinutes(10));
        double liveBytes = bucketBytes(app, name);
        float[][] pool = IngestBenchmark.vectorPool(dim);
        double[] peak = {1};
        AtomicReference<Exception> failed = new AtomicReference<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        sampler.scheduleAtFixedRate(() -> {
            try {
                peak[0] = Math.max(peak[0], bucketBytes(app, name) / liveBytes);
            } catch (Exception e) {
                failed.compareAndSet(null, e);
            }
        }, SAMPLE_MS, SAMPLE_MS, TimeUnit.MILLISECONDS);
        double heldBefore = heldSeconds(app, name);
        progress.printf("%s: upserting %,d times%n", label, upserts);
        long start = System.nanoTime();
        try (DmlProducer producer = new DmlProducer(spec, Map.of("bootstrap.servers", app.endpoints().kafka()), registry)) {
            for (long i = 0; i < upserts; i++) {
                long pk = i % keys;
                producer.send(new SyntheticWorkload.Event(DmlOp.UPSERT, pk, DmlSchemas.DEFAULT_PARTITION,
                        pool[(int) ((pk + 1 + i / keys) % pool.length)], Map.of()));
            }
        }
        long end = IngestBenchmark.endOffsets(app.endpoints().kafka(), CollectionTopics.dml(name)).values().stream().mapToLong(Long::longValue).sum();
        while (committed(api, name) < end) {
            Thread.sleep(200);
        }
        double ingestSeconds = (System.nanoTime() - start) / 1e9;
        sampler.shutdownNow();
        sampler.awaitTermination(1, TimeUnit.MINUTES);
        if (failed.get() != null) {
            throw new IllegalStateException("sampling the bucket failed: " + failed.get(), failed.get());
        }
        double after = bucketBytes(app, name) / liveBytes;
        String state = api.get("/collections/" + name + "/lag").path("backpressure").path("state").asText();
        return new Run(label, keys, upserts, ingestSeconds, Math.max(peak[0], after), after, heldSeconds(app, name) - heldBefore, state);
    }

    private static double bucketBytes(SegflowApp app, String collection) throws Exception {
        return app.storage().list(collection + "/").stream().mapToLong(StoredObject::size).sum();
    }

    /** The offsets of C.dml the ingest application has committed, all channels. */
    private static long committed(ApiClient api, String collection) throws Exception {
        long committed = 0;
        for (JsonNode channel : api.get("/collections/" + collection + "/lag").path("channels")) {
            committed += channel.path("committed").asLong();
        }
        return committed;
    }

    private static double heldSeconds(SegflowApp app, String collection) {
        return app.meters().find("segflow.ingest.compaction.wait").tag("collection", collection).timers().stream()
                .mapToDouble(t -> t.totalTime(TimeUnit.SECONDS)).sum();
    }
}
