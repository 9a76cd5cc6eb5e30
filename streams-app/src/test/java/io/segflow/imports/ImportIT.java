package io.segflow.imports;

import com.fasterxml.jackson.databind.JsonNode;
import io.segflow.app.ChildInstances;
import io.segflow.app.SegflowApp;
import io.segflow.collection.CollectionDefinition;
import io.segflow.compaction.CompactionSettings;
import io.segflow.config.SegflowConfig;
import io.segflow.failpoint.Failpoints;
import io.segflow.produce.DmlProducer;
import io.segflow.produce.SyntheticWorkload;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.testing.Http;
import io.segflow.testing.SharedServices;
import io.segflow.testing.TestRuntimes;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Bulk import on a real broker, S3 server and registry shared by the class: files written by
 * Python's json and csv modules and by NumPy, uploaded into the bucket, imported, and read back
 * through the read path; deletes before and after an import; the idempotency key; files that do
 * not match; an instance halted mid-import and restarted.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ImportIT {
    private static final String PYTHON = "/usr/bin/python3";
    private static final int DIM = 4;
    /** Small segments, so that an import writes several per channel. */
    private static final Map<String, String> SETTINGS = Map.of(ImportSettings.SEGMENT_BYTES, "20000", ImportSettings.PROGRESS_ROWS, "50",
            "ingest.tick.ms", "100", CompactionSettings.L0_AGE_MS, "1000", CompactionSettings.L0_INTERVAL_MS, "500");

    @TempDir
    static Path dir;
    private static SharedServices services;
    private static SegflowApp app;
    private static String api;

    @BeforeAll
    static void start() throws Exception {
        services = SharedServices.start(dir.resolve("services"));
        Map<String, String> settings = services.instance(dir.resolve("app"), "_collections-import");
        settings.putAll(SETTINGS);
        app = TestRuntimes.start(settings);
        api = app.endpoints().http();
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        services.close();
    }

    private static CollectionSpec collection(String name) {
        return app.collections().create(new CollectionDefinition(name, null, DIM, 4,
                List.of(new CollectionDefinition.FieldDefinition("price", "DOUBLE")), null, null, null));
    }

    /** Python writes the files of rows [first, first + rows) into a fresh folder. */
    private static Path pythonFiles(String name, long first, int rows) throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder(PYTHON, "-c", "import numpy").start().waitFor() == 0, "python3-numpy is not installed");
        Path out = Files.createDirectories(dir.resolve("files").resolve(name));
        Path script = Path.of(ImportIT.class.getResource("/interop/import_files.py").toURI());
        Process python = new ProcessBuilder(PYTHON, script.toString(), out.toString(), String.valueOf(first), String.valueOf(rows),
                String.valueOf(DIM)).redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes());
        assertThat(python.waitFor()).as(output).isZero();
        return out;
    }

    /** Uploads a file, or a folder's files, under {@code prefix}; returns the path to name in the request. */
    private static String upload(Path local, String prefix) throws Exception {
        if (Files.isDirectory(local)) {
            try (Stream<Path> files = Files.list(local)) {
                for (Path file : files.toList()) {
                    app.storage().put(prefix + local.getFileName() + "/" + file.getFileName(), Files.readAllBytes(file));
                }
            }
            return prefix + local.getFileName();
        }
        app.storage().put(prefix + local.getFileName(), Files.readAllBytes(local));
        return prefix + local.getFileName();
    }

    private static String submit(String collection, String body) throws Exception {
        Http.Answer answer = Http.post(api + "/collections/" + collection + "/imports", body);
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        return answer.body().path("importId").asText();
    }

    private static JsonNode finished(String collection, String id) {
        return await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                Http.get(api + "/collections/" + collection + "/imports/" + id).body(), job -> job.path("state").asText().matches("COMPLETED|FAILED"));
    }

    private static long count(String collection) throws Exception {
        return Http.get(api + "/collections/" + collection + "/count").body().path("count").asLong();
    }

    private static JsonNode rows(String collection, long pk) throws Exception {
        return Http.get(api + "/collections/" + collection + "/rows/" + pk).body().path("rows");
    }

    private static List<JsonNode> segments(String collection) throws Exception {
        return iterable(Http.get(api + "/collections/" + collection + "/segments").body());
    }

    private static List<JsonNode> iterable(JsonNode array) {
        java.util.ArrayList<JsonNode> list = new java.util.ArrayList<>();
        array.forEach(list::add);
        return list;
    }

    @Test
    void filesOfEveryFormatWrittenByPythonAndNumpyImportWithTheirRowsReadBack() throws Exception {
        String collection = "imported";
        collection(collection);
        Map<String, String> formats = Map.of("rows.json", "json", "rows.jsonl", "json", "rows.csv", "csv", "rows_npy", "npy");
        long first = 0;
        long total = 0;
        for (Map.Entry<String, String> file : new java.util.TreeMap<>(formats).entrySet()) {
            int rows = 300;
            Path files = pythonFiles(collection + "-" + first, first, rows);
            String path = upload(files.resolve(file.getKey()), "incoming/" + first + "/");
            String id = submit(collection, "{\"files\": [\"" + path + "\"], \"format\": \"" + file.getValue() + "\"}");
            JsonNode job = finished(collection, id);
            assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("COMPLETED");
            assertThat(job.path("importedRows").asLong()).isEqualTo(rows);
            assertThat(job.path("totalRows").asLong()).isEqualTo(rows);
            assertThat(job.path("files").get(0).path("state").asText()).isEqualTo("COMPLETED");
            total += rows;
            assertThat(count(collection)).as("after " + file.getKey()).isEqualTo(total);
            for (long pk : new long[] {first, first + 137, first + rows - 1}) {
                JsonNode found = rows(collection, pk);
                assertThat(found).as(file.getKey() + " pk " + pk).hasSize(1);
                assertThat(found.get(0).path("vector").get(1).floatValue()).isEqualTo(pk + 0.5f);
                assertThat(found.get(0).path("fields").path("price").doubleValue()).isEqualTo(pk * 1.5);
            }
            first += 1_000;
        }
        // Parquet, written through parquet-java's writer API as Milvus's BulkWriter lays it out (the vector a list of float).
        app.storage().put("incoming/parquet/rows.parquet", ParquetFiles.milvusStyle(first, 3_000, DIM, 1_000));
        JsonNode parquet = finished(collection, submit(collection, "{\"files\": [\"incoming/parquet/rows.parquet\"], \"format\": \"parquet\"}"));
        assertThat(parquet.path("state").asText()).as(parquet.toString()).isEqualTo("COMPLETED");
        assertThat(parquet.path("totalRows").asLong()).isEqualTo(3_000);
        total += 3_000;
        assertThat(count(collection)).isEqualTo(total);
        JsonNode found = rows(collection, first + 2_345);
        assertThat(found).hasSize(1);
        assertThat(found.get(0).path("vector").get(3).floatValue()).isEqualTo(first + 2_345 + 1.5f);
        List<JsonNode> imported = segments(collection).stream().filter(s -> s.hasNonNull("importId")).toList();
        assertThat(imported).as("several segments per channel").hasSizeGreaterThan(8)
                .allSatisfy(s -> assertThat(s.path("state").asText()).isEqualTo("FLUSHED"));
        JsonNode listed = Http.get(api + "/collections/" + collection + "/imports").body();
        assertThat(iterable(listed)).hasSize(formats.size() + 1).allSatisfy(j -> assertThat(j.path("state").asText()).isEqualTo("COMPLETED"));
    }

    @Test
    void aDeleteAfterTheImportRemovesAnImportedRowAndOneBeforeItDoesNot() throws Exception {
        String collection = "deletes";
        CollectionSpec spec = collection(collection);
        String path = upload(pythonFiles(collection, 0, 200).resolve("rows.jsonl"), "incoming/deletes/");
        try (DmlProducer producer = new DmlProducer(spec, Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, services.bootstrapServers()),
                services.registry())) {
            producer.send(new SyntheticWorkload.Event(DmlOp.DELETE, 5L, "_default", null, Map.of()));
            producer.flush();
            // The delete is taken in before the import takes its positions.
            await().atMost(Duration.ofMinutes(1)).until(() -> Http.post(api + "/collections/" + collection + "/flush", "{}").status() == 200);
            JsonNode job = finished(collection, submit(collection, "{\"files\": [\"" + path + "\"], \"format\": \"json\"}"));
            assertThat(job.path("state").asText()).isEqualTo("COMPLETED");
            producer.send(new SyntheticWorkload.Event(DmlOp.DELETE, 6L, "_default", null, Map.of()));
            producer.flush();
        }
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(rows(collection, 6)).isEmpty());
        assertThat(rows(collection, 5)).hasSize(1);
        assertThat(count(collection)).isEqualTo(199);
        // L0 compaction routes the later delete into the imported segment of its channel, and the earlier one into none.
        int later = ImportSegments.channel(6L, 4);
        int earlier = ImportSegments.channel(5L, 4);
        await().atMost(Duration.ofMinutes(2)).untilAsserted(() -> assertThat(segments(collection))
                .filteredOn(s -> s.hasNonNull("importId") && !s.path("deltaLogPaths").isEmpty())
                .extracting(s -> s.path("channel").asInt()).containsExactly(later));
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(segments(collection))
                .filteredOn(s -> s.path("level").asText().equals("L0")).allSatisfy(s -> assertThat(s.path("state").asText()).isEqualTo("DROPPED")));
        assertThat(segments(collection)).filteredOn(s -> s.path("channel").asInt() == earlier && s.hasNonNull("importId"))
                .allSatisfy(s -> assertThat(s.path("deltaLogPaths")).isEmpty());
        assertThat(rows(collection, 6)).isEmpty();
        assertThat(rows(collection, 5)).hasSize(1);
        assertThat(count(collection)).isEqualTo(199);
    }

    @Test
    void theSameIdempotencyKeyTwiceGivesOneJobAndTheRowsOnce() throws Exception {
        String collection = "idempotent";
        collection(collection);
        String path = upload(pythonFiles(collection, 0, 100).resolve("rows.csv"), "incoming/idem/");
        String body = "{\"files\": [\"" + path + "\"], \"format\": \"csv\", \"idempotencyKey\": \"load-1\"}";
        String first = submit(collection, body);
        String second = submit(collection, body);
        assertThat(second).isEqualTo(first);
        assertThat(finished(collection, first).path("state").asText()).isEqualTo("COMPLETED");
        assertThat(submit(collection, body)).as("after it completed, too").isEqualTo(first);
        assertThat(iterable(Http.get(api + "/collections/" + collection + "/imports").body())).hasSize(1);
        assertThat(count(collection)).isEqualTo(100);
    }

    @Test
    void aFileThatDoesNotMatchTheCollectionFailsTheJobWithItsReasonAndNothingVisible() throws Exception {
        String collection = "mismatch";
        collection(collection);
        app.storage().put("incoming/mismatch/dim.json", "{\"pk\": 1, \"vector\": [1, 2, 3], \"price\": 1}\n".getBytes());
        String good = upload(pythonFiles(collection, 0, 100).resolve("rows.jsonl"), "incoming/mismatch/");
        JsonNode job = finished(collection, submit(collection,
                "{\"files\": [\"" + good + "\", \"incoming/mismatch/dim.json\"], \"format\": \"json\"}"));
        assertThat(job.path("state").asText()).isEqualTo("FAILED");
        assertThat(job.path("reason").asText()).isEqualTo("incoming/mismatch/dim.json row 1: vector is not an array of 4 numbers (it has 3)");
        assertThat(job.path("files").get(1).path("state").asText()).isEqualTo("FAILED");

        // A bad row deep in a file: segments were written and registered before it, and are dropped.
        StringBuilder late = new StringBuilder();
        for (int pk = 0; pk < 4000; pk++) {
            late.append(pk == 3500 ? "{\"pk\": 3500, \"vector\": \"oops\"}" : "{\"pk\": " + pk + ", \"vector\": [1, 2, 3, 4]}").append('\n');
        }
        app.storage().put("incoming/mismatch/late.json", late.toString().getBytes());
        JsonNode lateJob = finished(collection, submit(collection, "{\"files\": [\"incoming/mismatch/late.json\"], \"format\": \"json\"}"));
        assertThat(lateJob.path("state").asText()).isEqualTo("FAILED");
        assertThat(lateJob.path("reason").asText()).startsWith("incoming/mismatch/late.json row 3501: vector");
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(segments(collection))
                .as("the failed import's segments").filteredOn(s -> s.hasNonNull("importId")).isNotEmpty()
                .allSatisfy(s -> assertThat(s.path("state").asText()).isIn("DROPPED")));
        assertThat(count(collection)).isZero();
        assertThat(rows(collection, 1)).isEmpty();
    }

    @Test
    void anInstanceHaltedMidImportResumesItToExactlyTheFilesRows() throws Exception {
        String collection = "halted";
        // A child instance of its own catalog: it alone runs the collection, so its channel 0 runs the job.
        Map<String, String> settings = services.instance(dir.resolve("halted"), "_collections-halted");
        settings.putAll(SETTINGS);
        String own = "http://127.0.0.1:" + settings.get(SegflowConfig.HTTP_PORT);
        String path = upload(pythonFiles(collection, 0, 600).resolve("rows_npy"), "incoming/halted/");
        try (ChildInstances children = new ChildInstances()) {
            children.start(settings);
            assertThat(Http.post(own + "/collections", "{\"name\": \"" + collection + "\", \"dim\": " + DIM
                    + ", \"channels\": 4, \"fields\": [{\"name\": \"price\", \"type\": \"DOUBLE\"}]}").status()).isEqualTo(201);
            children.close();
            for (String crash : List.of(Failpoints.IMPORT_SEGMENT + ":3", Failpoints.IMPORT_COMMITTING + ":2")) {
                Process child = children.start(settings, "-D" + Failpoints.PROPERTY + "=" + crash);
                Http.Answer submitted = Http.post(own + "/collections/" + collection + "/imports",
                        "{\"files\": [\"" + path + "\"], \"format\": \"npy\", \"idempotencyKey\": \"" + crash + "\"}");
                assertThat(submitted.status()).as(submitted.body().toString()).isEqualTo(200);
                String id = submitted.body().path("importId").asText();
                await().atMost(Duration.ofMinutes(2)).until(() -> !child.isAlive());
                assertThat(child.exitValue()).as(crash).isEqualTo(Failpoints.HALT_STATUS);
                children.start(settings);
                JsonNode job = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() ->
                        Http.get(own + "/collections/" + collection + "/imports/" + id).body(),
                        j -> j.path("state").asText().matches("COMPLETED|FAILED"));
                assertThat(job.path("state").asText()).as(crash + ": " + job).isEqualTo("COMPLETED");
                children.close();
            }
            children.start(settings);
            // Two jobs of the same 600 rows: each pk has exactly two rows, one per job, none lost or doubled by the crashes.
            await().atMost(Duration.ofMinutes(1)).ignoreExceptions().untilAsserted(() -> assertThat(
                    Http.get(own + "/collections/" + collection + "/count").body().path("count").asLong()).isEqualTo(1_200));
            for (long pk : new long[] {0, 299, 599}) {
                assertThat(Http.get(own + "/collections/" + collection + "/rows/" + pk).body().path("rows")).as("pk " + pk).hasSize(2);
            }
        }
    }
}
