package io.segflow.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.util.concurrent.RateLimiter;
import io.segflow.api.CollectionView;
import io.segflow.collection.CollectionDefinition;
import io.segflow.config.SegflowConfig;
import io.segflow.http.ApiClient;
import io.segflow.lag.LagSettings;
import io.segflow.produce.DmlProducer;
import io.segflow.produce.SyntheticWorkload;
import io.segflow.schema.CollectionSpec;
import io.segflow.failpoint.Failpoints;
import io.segflow.ingest.IngestSettings;
import io.segflow.ingest.Role;
import io.segflow.testing.Http;
import io.segflow.testing.OracleInstances;
import io.segflow.testing.SharedServices;
import io.segflow.verify.Oracle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Instances as deployed, each in a child JVM of its own, on a broker, S3 server and registry
 * shared by the class: three instances of role all, one halted with no clean shutdown while the
 * oracle produces; one ingest instance with two compactors, one of them halted in the middle of a
 * compaction task; and the lag of an instance outrun by a producer, then hung.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class ScaledInstancesIT {
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

    private static Map<String, String> instance(String name, String catalog, Role role) {
        Map<String, String> settings = services.aggressiveInstance(dir.resolve(name), "_collections-" + catalog);
        settings.put(Role.SETTING, role.label());
        // The smallest session Streams allows: a halted instance's channels move after 6 s.
        settings.put("streams.session.timeout.ms", "6000");
        return settings;
    }

    private static String api(Map<String, String> settings) {
        return "http://127.0.0.1:" + settings.get(SegflowConfig.HTTP_PORT);
    }

    /** The collection's entry in an instance's {@code /ready}. */
    private static JsonNode status(String api, String collection) throws Exception {
        return Http.get(api + "/ready").body().path("collections").path(collection);
    }

    private static Set<Integer> channels(JsonNode status, String field) {
        Set<Integer> channels = new TreeSet<>();
        status.path(field).forEach(channel -> channels.add(channel.asInt()));
        return channels;
    }

    @Test
    void threeInstancesLoseNothingWhenOneHaltsAndItsChannelsResumeOnTheSurvivorsUsingTheirStandbys() throws Exception {
        List<Map<String, String>> settings = List.of(instance("a1", "three", Role.ALL), instance("a2", "three", Role.ALL),
                instance("a3", "three", Role.ALL));
        List<String> apis = new CopyOnWriteArrayList<>(settings.stream().map(ScaledInstancesIT::api).toList());
        try (ChildInstances children = new ChildInstances()) {
            List<Process> processes = new ArrayList<>();
            for (Map<String, String> instance : settings) {
                processes.add(children.start(instance));
            }
            String halted = apis.get(0);
            Map<Integer, String> standbyHolders = new HashMap<>();
            Map<Integer, String> resumedOn = new HashMap<>();
            Set<Integer> haltedChannels = new TreeSet<>();
            String[] collection = new String[1];
            Oracle.Outcome outcome = new Oracle(new OracleInstances(services, apis, () -> {
                collection[0] = Http.get(halted + "/ready").body().path("collections").fieldNames().next();
                // Standbys are placed once every instance has joined and a rebalance has run: wait until each channel has one.
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
                    standbyHolders.clear();
                    for (String api : apis.subList(1, apis.size())) {
                        channels(status(api, collection[0]), "standbyChannels").forEach(channel -> standbyHolders.put(channel, api));
                    }
                    haltedChannels.clear();
                    haltedChannels.addAll(channels(status(halted, collection[0]), "activeChannels"));
                    return !haltedChannels.isEmpty() && standbyHolders.keySet().containsAll(haltedChannels);
                });
                processes.get(0).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                apis.remove(halted);
                // The first assignment without the halted instance: every channel active on a survivor.
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                    resumedOn.clear();
                    for (String api : apis) {
                        channels(status(api, collection[0]), "activeChannels").forEach(channel -> resumedOn.put(channel, api));
                    }
                    return resumedOn.size() == 4;
                });
                System.out.printf("halted %s with channels %s; standbys %s; resumed on %s%n", halted, haltedChannels, standbyHolders, resumedOn);
            }), System.out).run(new Oracle.Plan(OracleInstances.seed(), 6000, 8, 400));

            assertThat(outcome.comparisons()).isGreaterThanOrEqualTo(8 * 24);
            assertThat(apis).containsAll(haltedChannels.stream().map(resumedOn::get).toList());
            // Streams balances the survivors too: a channel may go to the instance without its copy (and warm up there),
            // but the standbys are used.
            assertThat(haltedChannels).as("channels of the halted instance resumed where their standby was")
                    .anyMatch(channel -> resumedOn.get(channel).equals(standbyHolders.get(channel)));
            for (String api : apis) {
                assertLagCoversEveryChannel(api, outcome.collection(), 4);
                // Clients Streams recreates show again at the binder's next refresh, once a minute.
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                    assertThat(Http.samples(api, "kafka_stream_thread_process_rate", "collection=" + outcome.collection()))
                            .as("Streams' process rate on %s", api).isNotEmpty();
                    assertThat(Http.samples(api, "kafka_consumer_fetch_manager_records_lag_max", "collection=" + outcome.collection()))
                            .as("Streams' consumer lag on %s", api).isNotEmpty();
                });
                assertThat(Http.samples(api, "jvm_memory_used_bytes")).as("JVM meters on %s", api).isNotEmpty();
                for (int channel = 0; channel < 4; channel++) {
                    String[] labels = {"collection=" + outcome.collection(), "channel=" + channel};
                    if (!Http.samples(api, "segflow_reclaim_lag_seconds", labels).isEmpty()) {
                        // Right after a failover the lag may stand above the deadline; the survivors' compaction brings it under.
                        int shown = channel;
                        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                                assertThat(Http.metric(api, "segflow_reclaim_lag_seconds", labels)).as("reclaim lag of channel %d on %s",
                                        shown, api).isLessThan(Http.metric(api, "segflow_reclaim_deadline_seconds", labels)));
                    }
                }
            }
        }
    }

    @Test
    void compactionRunsOnlyOnCompactorsAndOneHaltedMidTaskLosesNothing() throws Exception {
        Map<String, String> ingest = instance("i1", "split", Role.INGEST);
        Map<String, String> crashing = instance("c1", "split", Role.COMPACTOR);
        Map<String, String> surviving = instance("c2", "split", Role.COMPACTOR);
        try (ChildInstances children = new ChildInstances()) {
            children.start(ingest);
            Process halting = children.start(crashing, "-D" + Failpoints.PROPERTY + "=" + Failpoints.COMPACTION_WRITTEN + ":2");
            children.start(surviving);
            BacklogWatch watch = new BacklogWatch(api(ingest));
            Oracle.Outcome outcome;
            try (watch) {
                watch.start();
                outcome = new Oracle(new OracleInstances(services, List.of(api(ingest)), () -> { }), System.out)
                        .run(new Oracle.Plan(OracleInstances.seed(), 6000, 8, 400));
                // The halted compactor's task stays running in its coordinator's record until the survivor takes it over.
                await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> assertThat(watch.mostRunning).isPositive());
            }

            assertThat(outcome.comparisons()).isGreaterThanOrEqualTo(8 * 24);
            assertThat(halting.waitFor(1, TimeUnit.MINUTES)).as("the compactor reached its failpoint").isTrue();
            assertThat(halting.exitValue()).isEqualTo(Failpoints.HALT_STATUS);
            String collection = "collection=" + outcome.collection();
            assertThat(Http.metric(api(ingest), "segflow_compaction_worker_seconds_count", collection))
                    .as("no compaction ran on the ingest instance").isZero();
            assertThat(Http.metric(api(ingest), "segflow_compaction_tasks_total", collection))
                    .as("the ingest instance's coordinators committed compactions").isPositive();
            assertThat(Http.metric(api(surviving), "segflow_compaction_worker_seconds_count", collection))
                    .as("the surviving compactor ran tasks").isPositive();
            assertThat(watch.mostRunningBytes).as("the bytes a running task reads").isPositive();
            assertLagCoversEveryChannel(api(ingest), outcome.collection(), 4);
            Http.Answer data = Http.get(api(surviving) + "/collections/" + outcome.collection() + "/count");
            assertThat(data.status()).isEqualTo(503);
            assertThat(data.body().path("error").asText()).contains("compactor role");
            JsonNode ready = status(api(surviving), outcome.collection());
            assertThat(ready.path("applications").fieldNames()).toIterable().containsExactly("segflow-" + outcome.collection() + "-compactor");
        }
    }

    @Test
    void lagGrowsWithWarnWhileAProducerOutrunsIngestFallsToZeroWithOkAndStallsWhenTheStreamThreadHangs() throws Exception {
        long burst = 300_000;
        Map<String, String> settings = new HashMap<>(services.instance(dir.resolve("lagging"), "_collections-lag"));
        settings.put(LagSettings.SAMPLE_INTERVAL_MS, "300");
        settings.put(LagSettings.WINDOW_SAMPLES, "4");
        settings.put(IngestSettings.STREAMS_MAX_POLL_INTERVAL_MS, "15000");
        String api = api(settings);
        try (ChildInstances children = new ChildInstances()) {
            // Each record takes at least 50 us, so ingest cannot keep up with the producer; the stream
            // thread hangs at the first record after the burst.
            children.start(settings, "-D" + Failpoints.PROPERTY + "=" + Failpoints.DML_TAKEN + ":" + (burst + 1) + ","
                    + Failpoints.DML_SLOW + ":50");
            CollectionSpec spec = ApiClient.JSON.treeToValue(new ApiClient(api).post("/collections",
                    new CollectionDefinition("lagging", "INT64", 128, 4, List.of(), null, null, null)), CollectionView.class).toSpec();
            await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> Http.get(api + "/ready").status() == 200);

            // At most 50,000 events/s, so the burst lasts at least 6 s (many lag windows) however fast this machine produces,
            // and still outruns ingest (at most 20,000 records/s at 50 us each).
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(spec, burst, 0, RateLimiter.create(50_000)));
            Set<String> seen = new TreeSet<>();
            double maxLag = 0;
            double maxLagSeconds = 0;
            while (!producing.isDone()) {
                for (JsonNode channel : Http.get(api + "/collections/lagging/lag").body().path("channels")) {
                    seen.add(channel.path("status").asText());
                    maxLag = Math.max(maxLag, channel.path("lag").asDouble());
                    maxLagSeconds = Math.max(maxLagSeconds, channel.path("lagSeconds").asDouble());
                }
                Thread.sleep(100);
            }
            producing.get();
            assertThat(seen).as("statuses while the producer outran ingest").contains("WARN");
            assertThat(maxLag).isPositive();
            assertThat(maxLagSeconds).isPositive();

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
                JsonNode channels = Http.get(api + "/collections/lagging/lag").body().path("channels");
                assertThat(channels).hasSize(4).allSatisfy(channel -> {
                    assertThat(channel.path("lag").asLong()).isZero();
                    assertThat(channel.path("lagSeconds").asDouble()).isZero();
                    assertThat(channel.path("status").asText()).isEqualTo("OK");
                });
            });

            produce(spec, 1_000, burst);
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                    assertThat(Http.get(api + "/collections/lagging/lag").body().path("channels"))
                            .as("the hung stream thread commits nothing while records wait")
                            .anySatisfy(channel -> assertThat(channel.path("status").asText()).isEqualTo("STALL")));
            // After max.poll.interval.ms the hung thread leaves the group: its channels have no owner while records wait.
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                    assertThat(Http.get(api + "/collections/lagging/lag").body().path("channels"))
                            .as("channels whose owner stopped")
                            .anySatisfy(channel -> {
                                assertThat(channel.path("status").asText()).isEqualTo("STOP");
                                assertThat(channel.path("owner").isNull()).isTrue();
                                assertThat(channel.path("lag").asLong()).isPositive();
                            }));
        }
    }

    /** The lag answer of {@code api} holds every channel's DML lag, compaction backlog and reclaim lag, gathered from every instance. */
    private static void assertLagCoversEveryChannel(String api, String collection, int channels) throws Exception {
        JsonNode lag = Http.get(api + "/collections/" + collection + "/lag").body();
        List<Integer> all = IntStream.range(0, channels).boxed().toList();
        assertThat(lag.path("unavailable")).as("instances that did not answer").isEmpty();
        assertThat(lag.path("channels").findValuesAsText("channel")).map(Integer::valueOf).isEqualTo(all);
        assertThat(lag.path("compaction").path("channels").findValuesAsText("channel")).map(Integer::valueOf).isEqualTo(all);
        assertThat(lag.path("reclaim").path("channels").findValuesAsText("channel")).map(Integer::valueOf).isEqualTo(all);
        // Not below the deadline whatever happened: a halted compactor's tasks wait for the session timeout and a retry.
        assertThat(lag.path("reclaim").path("deadlineSeconds").asDouble())
                .isEqualTo(Long.parseLong(Oracle.AGGRESSIVE_SETTINGS.get("delete.reclaim.deadline.ms")) / 1000.0);
    }

    /** Polls an instance's lag answer in the background and keeps the most compaction work it saw running. */
    private static final class BacklogWatch implements AutoCloseable {
        private final String api;
        private volatile boolean stopped;
        private volatile int mostRunning;
        private volatile long mostRunningBytes;
        private CompletableFuture<Void> polling;

        BacklogWatch(String api) {
            this.api = api;
        }

        void start() {
            polling = CompletableFuture.runAsync(() -> {
                while (!stopped) {
                    try {
                        JsonNode compaction = Http.get(api + "/collections/" + collection() + "/lag").body().path("compaction");
                        mostRunning = Math.max(mostRunning, compaction.path("runningTasks").asInt());
                        mostRunningBytes = Math.max(mostRunningBytes, compaction.path("runningBytes").asLong());
                    } catch (Exception notYet) {
                        // No collection yet, or the instance is rebalancing: ask again.
                    }
                    try {
                        Thread.sleep(200);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        private String collection() throws Exception {
            return Http.get(api + "/ready").body().path("collections").fieldNames().next();
        }

        @Override
        public void close() {
            stopped = true;
            if (polling != null) {
                polling.join();
            }
        }
    }

    private static void produce(CollectionSpec spec, long events, long startPk) {
        produce(spec, events, startPk, null);
    }

    /** Produces {@code events} inserts from key {@code startPk}, at most at {@code rate} (null: as fast as it goes). */
    private static void produce(CollectionSpec spec, long events, long startPk, RateLimiter rate) {
        SyntheticWorkload inserts = new SyntheticWorkload(spec, 5, 0, 0, startPk);
        try (DmlProducer producer = new DmlProducer(spec, Map.of("bootstrap.servers", services.bootstrapServers()), services.registry())) {
            for (long i = 0; i < events; i++) {
                if (rate != null) {
                    rate.acquire();
                }
                producer.send(inserts.next());
            }
        }
    }
}
