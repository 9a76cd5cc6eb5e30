package io.segflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.math.Quantiles;
import io.segflow.app.ChildInstances;
import io.segflow.app.Endpoints;
import io.segflow.collection.CollectionDefinition;
import io.segflow.config.SegflowConfig;
import io.segflow.embedded.Folders;
import io.segflow.embedded.FreePorts;
import io.segflow.http.ApiClient;
import io.segflow.ingest.FailoverSettings;
import io.segflow.ingest.IngestSettings;
import io.segflow.lag.LagSettings;
import io.segflow.produce.DmlProducer;
import io.segflow.produce.SyntheticWorkload;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.api.CollectionView;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.ToDoubleFunction;

/**
 * {@code segflow bench failover}: three instances in child JVMs on one broker and S3 server, a
 * producer at a steady rate, one instance halted (no clean shutdown); times from the halt, with
 * and without a standby replica, until each step of the failover: every channel assigned to a
 * survivor (the session timeout and the rebalance), every survivor ready (stores restored),
 * every channel served (reads answered), and every channel's lag back under a second.
 */
public final class FailoverBenchmark {
    private static final int INSTANCES = 3;
    private static final int CHANNELS = 4;
    private static final Duration STEADY = Duration.ofSeconds(15);
    /** The smallest session Streams allows: the floor of every failover time. */
    private static final int SESSION_TIMEOUT_MS = 6000;

    /** One halt: seconds from it to every channel assigned, survivors ready, channels served, and lag under 1 s. */
    public record Run(int standbys, double assignedSeconds, double readySeconds, double servedSeconds, double caughtUpSeconds) {
        String describe() {
            return String.format("assigned %.1f s, ready %.1f s, served %.1f s, lag under 1 s %.1f s", assignedSeconds, readySeconds,
                    servedSeconds, caughtUpSeconds);
        }
    }

    /** Every run, and the medians per number of standbys. */
    public record Result(List<Run> runs, int rate) {
        public void print(PrintStream out) {
            out.printf("failover: %d instances, %d channels, %,d events/s, halt of one instance (no clean shutdown), session timeout %d s;"
                    + " seconds after the halt%n", INSTANCES, CHANNELS, rate, SESSION_TIMEOUT_MS / 1000);
            for (Run run : runs) {
                out.printf("  standbys %d: %s%n", run.standbys(), run.describe());
            }
            for (int standbys : runs.stream().map(Run::standbys).distinct().sorted().toList()) {
                List<Run> of = runs.stream().filter(r -> r.standbys() == standbys).toList();
                Run median = new Run(standbys, median(of, Run::assignedSeconds), median(of, Run::readySeconds), median(of, Run::servedSeconds),
                        median(of, Run::caughtUpSeconds));
                out.printf("median, standbys %d: %s (%d runs)%n", standbys, median.describe(), of.size());
            }
        }

        private static double median(List<Run> runs, ToDoubleFunction<Run> step) {
            return Quantiles.median().compute(runs.stream().mapToDouble(step).toArray());
        }
    }

    private FailoverBenchmark() {
    }

    /** {@code repeats} halts with no standby and as many with one, on the services at {@code services}. */
    public static Result run(Endpoints services, int repeats, int rate, PrintStream progress) throws Exception {
        List<Run> runs = new ArrayList<>();
        for (int standbys : new int[] {0, 1}) {
            for (int i = 0; i < repeats; i++) {
                Run run = once(services, standbys, rate, "failover_" + standbys + "_" + i + "_" + System.currentTimeMillis() % 100_000, progress);
                progress.printf("standbys %d, run %d: %s%n", standbys, i + 1, run.describe());
                runs.add(run);
            }
        }
        return new Result(runs, rate);
    }

    private static Run once(Endpoints services, int standbys, int rate, String name, PrintStream progress) throws Exception {
        Path dir = Files.createTempDirectory("segflow-bench-failover");
        AtomicBoolean producing = new AtomicBoolean(true);
        try (ChildInstances children = ChildInstances.ofThisJar()) {
            List<Process> processes = new ArrayList<>();
            List<ApiClient> apis = new ArrayList<>();
            for (int i = 0; i < INSTANCES; i++) {
                int port = FreePorts.next();
                processes.add(children.start(settings(services, dir.resolve("i" + i), name, port, standbys)));
                apis.add(new ApiClient("http://127.0.0.1:" + port));
            }
            progress.printf("%s: %d instances up, standbys %d%n", name, INSTANCES, standbys);
            CollectionSpec spec = ApiClient.JSON.treeToValue(apis.get(0).post("/collections",
                    new CollectionDefinition(name, "INT64", 128, CHANNELS, List.of(), null, null, null)), CollectionView.class).toSpec();
            Thread producer = new Thread(() -> produce(services, spec, rate, producing), "failover-producer");
            producer.setDaemon(true);
            producer.start();
            ApiClient survivor = apis.get(1);
            String path = "/collections/" + name;
            await(Duration.ofMinutes(3), () -> caughtUp(survivor, path) && standbysPlaced(apis, path, standbys));
            Thread.sleep(STEADY.toMillis());
            Set<String> survivors = new HashSet<>();
            apis.subList(1, INSTANCES).forEach(api -> survivors.add(api.baseUrl().replace("http://", "")));

            long halted = System.nanoTime();
            processes.get(0).destroyForcibly();
            await(Duration.ofMinutes(5), () -> assigned(survivor, path, survivors));
            double assigned = (System.nanoTime() - halted) / 1e9;
            List<ApiClient> surviving = apis.subList(1, INSTANCES);
            await(Duration.ofMinutes(5), () -> surviving.stream().allMatch(api -> api.get("/ready").path("ready").asBoolean()));
            double ready = (System.nanoTime() - halted) / 1e9;
            await(Duration.ofMinutes(5), () -> assigned(survivor, path, survivors) && survivor.get(path + "/count") != null);
            double served = (System.nanoTime() - halted) / 1e9;
            await(Duration.ofMinutes(5), () -> caughtUp(survivor, path));
            double caughtUp = (System.nanoTime() - halted) / 1e9;
            return new Run(standbys, assigned, ready, served, caughtUp);
        } finally {
            producing.set(false);
            Folders.deleteRecursively(dir);
        }
    }

    private static Map<String, String> settings(Endpoints services, Path dataDir, String catalog, int httpPort, int standbys) {
        Map<String, String> settings = new HashMap<>();
        settings.put(SegflowConfig.KAFKA_BOOTSTRAP_SERVERS, services.kafka());
        settings.put(SegflowConfig.SCHEMA_REGISTRY_URL, services.schemaRegistry());
        settings.put(SegflowConfig.S3_ENDPOINT, services.s3());
        settings.put(SegflowConfig.COLLECTIONS_TOPIC, "_collections-" + catalog);
        settings.put(SegflowConfig.DATA_DIR, dataDir.toString());
        settings.put(SegflowConfig.HTTP_PORT, String.valueOf(httpPort));
        settings.put(FailoverSettings.STANDBY_REPLICAS, String.valueOf(standbys));
        settings.put(IngestSettings.STREAMS_SESSION_TIMEOUT_MS, String.valueOf(SESSION_TIMEOUT_MS));
        settings.put(LagSettings.SAMPLE_INTERVAL_MS, "250");
        return settings;
    }

    private static void produce(Endpoints services, CollectionSpec spec, int rate, AtomicBoolean producing) {
        SyntheticWorkload workload = new SyntheticWorkload(spec, 7, 0.1, 0.2, 0);
        try (DmlProducer producer = new DmlProducer(spec, Map.of("bootstrap.servers", services.kafka()),
                new RestSchemaRegistryClient(services.schemaRegistry()))) {
            long start = System.nanoTime();
            for (long sent = 0; producing.get(); sent++) {
                long due = start + sent * 1_000_000_000L / rate;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                producer.send(workload.next());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every channel held by a survivor, as the group coordinator and Streams' metadata see it. */
    private static boolean assigned(ApiClient api, String path, Set<String> survivors) {
        JsonNode lag = api.get(path + "/lag");
        for (JsonNode channel : lag.path("channels")) {
            if (!survivors.contains(channel.path("owner").asText())) {
                return false;
            }
        }
        return lag.path("channels").size() == CHANNELS;
    }

    private static boolean caughtUp(ApiClient api, String path) {
        JsonNode channels = api.get(path + "/lag").path("channels");
        boolean all = channels.size() == CHANNELS;
        for (JsonNode channel : channels) {
            all &= channel.path("lagSeconds").asDouble() < 1 && !channel.path("owner").isNull();
        }
        return all;
    }

    private static boolean standbysPlaced(List<ApiClient> apis, String path, int standbys) {
        if (standbys == 0) {
            return true;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        Set<Integer> placed = new HashSet<>();
        for (ApiClient api : apis) {
            api.get("/health").path("collections").path(name).path("standbyChannels").forEach(c -> placed.add(c.asInt()));
        }
        return placed.size() == CHANNELS;
    }

    /** Polls {@code done} every 100 ms, counting an unanswered request as not done. */
    private static void await(Duration limit, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                if (done.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                // Not yet: the instance asked is rebalancing or restoring.
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not reached within " + limit);
            }
            Thread.sleep(100);
        }
    }
}
