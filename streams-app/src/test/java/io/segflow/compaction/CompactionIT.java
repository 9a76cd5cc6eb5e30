package io.segflow.compaction;

import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.StatObjectArgs;
import io.minio.messages.Item;
import io.segflow.app.SegflowApp;
import io.segflow.fanout.SegmentDescription;
import io.segflow.collection.CollectionDefinition;
import io.segflow.produce.DmlProducer;
import io.segflow.produce.SyntheticWorkload;
import io.segflow.storage.FilePins;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DeltaEntry;
import io.segflow.schema.DmlOp;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.storage.AvroFiles;
import io.segflow.testing.Http;
import io.segflow.testing.TestRuntimes;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compaction and garbage collection on the embedded runtime (real broker, S3 server, RocksDB):
 * a fragmented collection with deletes and upserts converges to few segments holding exactly the
 * live rows; deletes sent while a compaction runs survive it; a pinned file outlives its segment
 * until unpinned; an orphan is collected; no deleted row's bytes outlive the collection's reclaim
 * deadline (its own, shorter than the instance's).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CompactionIT {
    private static final int DIM = 16;
    private static final long DEADLINE_MS = 20_000;
    private static final long SLACK_MS = 10_000;
    @TempDir
    static Path dir;
    private static SegflowApp app;
    private static MinioClient minio;
    private static long sent;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> settings = new HashMap<>(TestRuntimes.settings(dir));
        settings.putAll(Map.ofEntries(Map.entry("seal.capacity.bytes", "4096"), Map.entry("seal.insert.log.rows", "64"),
                Map.entry("seal.check.interval.ms", "100"), Map.entry("ingest.tick.ms", "20"), Map.entry("l0.flush.entries", "200"),
                Map.entry("l0.flush.age.ms", "1000"), Map.entry("compaction.target.bytes", "65536"),
                Map.entry("compaction.l0.entries", "200"), Map.entry("compaction.l0.age.ms", "1000"),
                Map.entry("compaction.l0.interval.ms", "500"), Map.entry("compaction.mix.interval.ms", "1000"),
                Map.entry("compaction.single.interval.ms", "1000"), Map.entry("compaction.clustering.interval.ms", "0"),
                Map.entry("compaction.schema.bump.interval.ms", "0"),
                Map.entry("gc.grace.ms", "1000"), Map.entry("gc.interval.ms", "300"), Map.entry("gc.orphan.interval.ms", "1000"),
                Map.entry("gc.orphan.grace.ms", "2000")));
        app = TestRuntimes.start(settings);
        minio = MinioClient.builder().endpoint(app.endpoints().s3()).credentials("segflow", "segflow-secret").build();
    }

    @AfterAll
    static void stop() throws Exception {
        minio.close();
        app.close();
    }

    @Test
    void aFragmentedCollectionConvergesAndNothingDeletedOutlivesTheDeadline() throws Exception {
        CollectionSpec spec = app.collections().create(new CollectionDefinition("fragmented", "INT64", DIM, 4, List.of(), null, null, null,
                DEADLINE_MS));
        String orphan = spec.getName() + "/0/" + (999_999L << 8) + "/insert_log/0.avro";
        minio.putObject(PutObjectArgs.builder().bucket("segflow").object(orphan).stream(new ByteArrayInputStream(new byte[100]), 100, -1).build());
        // Every channel assigned and reading before the paced production starts: rows that pile up in
        // Kafka while the group forms would arrive in one burst and fill a few large segments.
        await("every channel is read", 60_000,
                () -> Http.get(app.endpoints().http() + "/collections/fragmented/count").status() == 200);
        Map<Long, float[]> model = new HashMap<>();
        Set<Long> deleted = new HashSet<>();
        SplittableRandom random = new SplittableRandom(7);
        try (DmlProducer producer = new DmlProducer(spec, Map.of("bootstrap.servers", app.endpoints().kafka()),
                new RestSchemaRegistryClient(app.endpoints().schemaRegistry()))) {
            for (long pk = 0; pk < 5000; pk++) {
                send(producer, model, deleted, DmlOp.INSERT, pk, random);
            }
            for (int i = 0; i < 1500; i++) {
                send(producer, model, deleted, DmlOp.DELETE, random.nextLong(5000), random);
            }
            for (int i = 0; i < 500; i++) {
                send(producer, model, deleted, DmlOp.UPSERT, random.nextLong(5000), random);
            }
            producer.flush();
            app.flushes().flush(spec, Duration.ofSeconds(60));
            assertThat(flushedL1Segments()).as("ingest left a fragmented collection").isGreaterThanOrEqualTo(100);

            await("converged: no L0 segment, few L1 segments, nothing Dropped left", 90_000, () -> {
                List<SegmentDescription> segments = app.segments().segments(spec.getName(), false);
                return segments.stream().noneMatch(s -> s.level().equals("L0"))
                        && segments.stream().noneMatch(s -> s.state().equals("DROPPED"))
                        && segments.stream().filter(s -> s.state().equals("FLUSHED")).count() <= 12;
            });
            assertThat(liveInStorage(spec)).as("live rows after convergence, row for row").isEqualTo(vectorsOf(model));
            assertThat(Http.get(app.endpoints().http() + "/collections/fragmented/count").body().path("count").asLong()).isEqualTo(model.size());

            SegmentDescription pinned = pinnedVictim(spec);
            try (FilePins.Pin pin = app.pins().pin(pinned.insertLogPaths())) {
                String id = Http.post(app.endpoints().http() + "/collections/fragmented/compact",
                        "{\"type\": \"FORCE_MERGE\", \"channel\": " + pinned.channel() + ", \"targetSize\": 10000000}").body()
                        .path("compactionId").asText();
                for (int i = 0; i < 200; i++) {
                    send(producer, model, deleted, DmlOp.DELETE, random.nextLong(5000), random);
                }
                producer.flush();
                await("force merge done", 30_000, () -> state(id).equals("COMPLETED"));
                app.flushes().flush(spec, Duration.ofSeconds(60));
                await("the merged segment dropped", 10_000, () -> segment(pinned.id()).map(s -> s.state().equals("DROPPED")).orElse(true));
                Thread.sleep(3_000);
                assertThat(exists(pinned.insertLogPaths().get(0))).as("a pinned file outlives its segment's grace period").isTrue();
            }
            await("the unpinned file is collected", 10_000, () -> !exists(pinned.insertLogPaths().get(0)));
            long lastDelete = System.currentTimeMillis();
            await("deletes sent during the compaction survived it", 30_000, () -> liveInStorage(spec).equals(vectorsOf(model)));

            await("no deleted or replaced row left in any object", DEADLINE_MS + SLACK_MS, () -> staleRowsInBucket(spec, model) == 0);
            assertThat(System.currentTimeMillis() - lastDelete).as("reclaim deadline").isLessThanOrEqualTo(DEADLINE_MS + SLACK_MS);
            assertThat(exists(orphan)).as("the orphan was collected").isFalse();
            assertThat(liveInStorage(spec)).isEqualTo(vectorsOf(model));
        }
    }

    /** Sends one event and updates the model; paced so the seal checks cut many small segments. */
    private static void send(DmlProducer producer, Map<Long, float[]> model, Set<Long> deleted, DmlOp op, long pk, SplittableRandom random)
            throws InterruptedException {
        if (++sent % 20 == 0) {
            producer.flush();
            Thread.sleep(25);
        }
        float[] vector = new float[DIM];
        for (int i = 0; i < DIM; i++) {
            vector[i] = (float) random.nextDouble();
        }
        producer.send(new SyntheticWorkload.Event(op, pk, "_default", vector, Map.of()));
        if (op == DmlOp.DELETE) {
            model.remove(pk);
            deleted.add(pk);
        } else {
            model.put(pk, vector);
            deleted.remove(pk);
        }
    }

    private static long flushedL1Segments() throws Exception {
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(app.endpoints().http() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("segflow_segments_flushed_total") && l.contains("level=\"L1\"")
                && l.contains("collection=\"fragmented\"")).mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** A Flushed L1 segment of a channel that has another one to merge it with. */
    private static SegmentDescription pinnedVictim(CollectionSpec spec) {
        List<SegmentDescription> flushed = app.segments().segments(spec.getName(), false).stream()
                .filter(s -> s.state().equals("FLUSHED") && !s.level().equals("L0")).toList();
        return flushed.stream().filter(s -> flushed.stream().filter(o -> o.channel() == s.channel()).count() > 1).findFirst()
                .orElseThrow(() -> new AssertionError("no channel with two segments: " + flushed));
    }

    private static java.util.Optional<SegmentDescription> segment(long id) {
        return app.segments().segments("fragmented", false).stream().filter(s -> s.id() == id).findFirst();
    }

    private static String state(String compactionId) throws Exception {
        return Http.get(app.endpoints().http() + "/collections/fragmented/compactions/" + compactionId).body().path("state").asText();
    }

    /** pk → vector of every live row, read from the objects the catalog names, with every delta log applied. */
    private static Map<Long, List<Float>> liveInStorage(CollectionSpec spec) throws Exception {
        Map<ByteBuffer, Long> deletes = new HashMap<>();
        List<GenericRecord> rows = new ArrayList<>();
        for (SegmentDescription segment : app.segments().segments(spec.getName(), false)) {
            if (!segment.state().equals("FLUSHED")) {
                continue;
            }
            for (String path : segment.deltaLogPaths()) {
                for (DeltaEntry entry : AvroFiles.read(read(path), DeltaEntry.class)) {
                    deletes.merge(ByteBuffer.wrap(PrimaryKeys.encode(PrimaryKeys.plain(entry.getPk()))), entry.getPosition(), Math::max);
                }
            }
            for (String path : segment.insertLogPaths()) {
                rows.addAll(AvroFiles.<GenericRecord>read(read(path)));
            }
        }
        Map<Long, List<Float>> live = new HashMap<>();
        for (GenericRecord row : rows) {
            long pk = (Long) row.get(DmlSchemas.PK);
            if (deletes.getOrDefault(ByteBuffer.wrap(PrimaryKeys.encode(pk)), -1L) <= (Long) row.get(DmlSchemas.POSITION)) {
                assertThat(live.put(pk, vector(row))).as("pk %d live twice", pk).isNull();
            }
        }
        return live;
    }

    /** Rows in any object of the collection whose key is deleted or whose vector is not its key's latest. */
    private static long staleRowsInBucket(CollectionSpec spec, Map<Long, float[]> model) throws Exception {
        Map<Long, List<Float>> latest = vectorsOf(model);
        long stale = 0;
        for (Result<Item> result : minio.listObjects(ListObjectsArgs.builder().bucket("segflow").prefix(spec.getName() + "/").recursive(true).build())) {
            String path = result.get().objectName();
            if (!path.contains("/insert_log/") || path.contains("/" + (999_999L << 8) + "/")) {
                continue;
            }
            for (GenericRecord row : AvroFiles.<GenericRecord>read(read(path))) {
                if (!vector(row).equals(latest.get((Long) row.get(DmlSchemas.PK)))) {
                    stale++;
                }
            }
        }
        return stale;
    }

    private static Map<Long, List<Float>> vectorsOf(Map<Long, float[]> model) {
        Map<Long, List<Float>> vectors = new HashMap<>();
        model.forEach((pk, vector) -> {
            List<Float> values = new ArrayList<>();
            for (float v : vector) {
                values.add(v);
            }
            vectors.put(pk, values);
        });
        return vectors;
    }

    private static List<Float> vector(GenericRecord row) {
        ByteBuffer bytes = ((ByteBuffer) row.get(DmlSchemas.VECTOR)).duplicate().order(ByteOrder.LITTLE_ENDIAN);
        List<Float> values = new ArrayList<>();
        while (bytes.remaining() >= Float.BYTES) {
            values.add(bytes.getFloat());
        }
        return values;
    }

    private static byte[] read(String path) throws Exception {
        try (GetObjectResponse response = minio.getObject(GetObjectArgs.builder().bucket("segflow").object(path).build())) {
            return response.readAllBytes();
        }
    }

    private static boolean exists(String path) {
        try {
            minio.statObject(StatObjectArgs.builder().bucket("segflow").object(path).build());
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /** A check that may throw while files move under it: retried until it holds or time runs out. */
    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, long timeoutMs, Check check) throws Exception {
        long deadline = System.currentTimeMillis() + timeoutMs;
        Throwable last = null;
        while (System.currentTimeMillis() < deadline) {
            try {
                if (check.holds()) {
                    return;
                }
            } catch (Exception | AssertionError e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("timed out waiting until " + what, last);
    }
}
