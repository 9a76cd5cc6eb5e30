package io.segflow.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.segflow.app.SegflowApp;
import io.segflow.collection.CollectionDefinition;
import io.segflow.config.SegflowConfig;
import io.segflow.produce.DmlProducer;
import io.segflow.produce.SyntheticWorkload;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.testing.Http;
import io.segflow.testing.SharedServices;
import io.segflow.testing.TestRuntimes;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compaction backpressure on real parts (broker, S3 server, RocksDB, two instances): an ingest-only
 * instance whose compaction tasks no compactor takes pauses its channels once their backlog
 * reaches the hard limit, and the records wait in Kafka; a compactor instance that starts drains
 * the backlog, the channels resume, and every row arrives once.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class CompactionBackpressureIT {
    private static final int CHANNELS = 2;
    private static final long BLOCK_MS = 500;
    private static final int FIRST = 200;
    private static final int HELD = 2000;
    /** Records of the commit in flight when a pause begins that may go through. */
    private static final int FIRST_COMMIT = 64;
    @TempDir
    static Path dir;
    private static SharedServices services;

    @BeforeAll
    static void startServices() throws Exception {
        services = SharedServices.start(dir.resolve("services"));
    }

    @AfterAll
    static void stopServices() throws Exception {
        services.close();
    }

    private static Map<String, String> instance(String name, Role role) {
        Map<String, String> settings = services.aggressiveInstance(dir.resolve(name), "_collections-held");
        settings.put(Role.SETTING, role.label());
        // Any task not yet done pauses its channel.
        settings.put(IngestSettings.BACKPRESSURE_BACKLOG_SOFT, "0");
        settings.put(IngestSettings.BACKPRESSURE_BACKLOG_HARD, "1");
        settings.put(IngestSettings.BACKPRESSURE_MAX_BLOCK_MS, String.valueOf(BLOCK_MS));
        return settings;
    }

    @Test
    void aChannelPausesAtItsBacklogLimitAndResumesAsACompactorDrainsIt() throws Exception {
        Map<String, String> ingestSettings = instance("ingest", Role.INGEST);
        String api = "http://127.0.0.1:" + ingestSettings.get(SegflowConfig.HTTP_PORT);
        try (SegflowApp ingest = TestRuntimes.start(ingestSettings)) {
            CollectionSpec spec = ingest.collections().create(new CollectionDefinition("held", "INT64", 8, CHANNELS, null, null, null, null));
            await("every channel is read", () -> Http.get(api + "/collections/held/count").status() == 200);
            try (DmlProducer producer = new DmlProducer(spec, Map.of("bootstrap.servers", services.bootstrapServers()), services.registry())) {
                // Two flushes leave two small segments in each channel: a mix task each, which no compactor takes.
                send(producer, 0, FIRST / 2);
                ingest.flushes().flush(spec, Duration.ofSeconds(60));
                send(producer, FIRST / 2, FIRST);
                ingest.flushes().flush(spec, Duration.ofSeconds(60));
                await("every channel paused", () -> {
                    JsonNode backpressure = Http.get(api + "/collections/held/lag").body().path("backpressure");
                    return backpressure.path("channels").size() == CHANNELS
                            && allOf(backpressure.path("channels"), c -> c.path("state").asText().equals("PAUSE")
                            && c.path("cause").asText().contains("compaction backlog"));
                });
                for (int channel = 0; channel < CHANNELS; channel++) {
                    assertThat(Http.metric(api, "segflow_ingest_compaction_backpressure", "collection=held", "channel=" + channel)).isEqualTo(2.0);
                }

                send(producer, FIRST, FIRST + HELD);
                long start = System.nanoTime();
                await("the held records are in Kafka", () -> totalLag(api) > HELD / 2);
                // While paused, the stream thread holds records back for a block time per commit, then lets the
                // rest of that commit's records through: those Kafka Streams processes per task between two
                // commits (a few dozen at most when the pause begins, halving at every commit, so about one
                // per channel after that). The rest wait in Kafka.
                for (int look = 0; look < 8; look++) {
                    Thread.sleep(BLOCK_MS / 2);
                    long taken = count(api) - FIRST;
                    long allowed = FIRST_COMMIT + CHANNELS * (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) / BLOCK_MS + 3);
                    assertThat(taken).as("records taken while paused").isLessThanOrEqualTo(allowed);
                }
                assertThat(totalLag(api)).isGreaterThan(HELD * 9 / 10);

                try (SegflowApp compactor = TestRuntimes.start(instance("compactor", Role.COMPACTOR))) {
                    await("every row arrived", () -> count(api) == FIRST + HELD && totalLag(api) == 0);
                    await("the backlog drained and the channels run free", () ->
                            Http.get(api + "/collections/held/lag").body().path("backpressure").path("state").asText().equals("OFF"));
                }
            }
            assertThat(count(api)).isEqualTo(FIRST + HELD);
            assertThat(Http.metric(api, "segflow_ingest_compaction_wait_seconds_count", "collection=held")).isGreaterThan(0);
            for (long pk : new long[] {0, FIRST - 1, FIRST, FIRST + HELD - 1}) {
                assertThat(Http.get(api + "/collections/held/rows/" + pk).status()).as("row %d", pk).isEqualTo(200);
            }
        }
    }

    private static void send(DmlProducer producer, long from, long to) {
        for (long pk = from; pk < to; pk++) {
            producer.send(new SyntheticWorkload.Event(DmlOp.INSERT, pk, "_default", new float[] {pk, 1, 2, 3, 4, 5, 6, 7}, Map.of()));
        }
        producer.flush();
    }

    private static long count(String api) throws Exception {
        return Http.get(api + "/collections/held/count").body().path("count").asLong();
    }

    private static long totalLag(String api) throws Exception {
        long lag = 0;
        for (JsonNode channel : Http.get(api + "/collections/held/lag").body().path("channels")) {
            lag += channel.path("lag").asLong();
        }
        return lag;
    }

    private static boolean allOf(JsonNode nodes, Predicate<JsonNode> check) {
        for (JsonNode node : nodes) {
            if (!check.test(node)) {
                return false;
            }
        }
        return true;
    }

    private static void await(String what, Callable<Boolean> condition) {
        Awaitility.await(what).atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(condition);
    }
}
