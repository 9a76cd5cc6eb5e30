package io.segflow.read;

import io.segflow.app.SegflowApp;
import io.segflow.config.SegflowConfig;
import io.segflow.failpoint.Failpoints;
import io.segflow.app.ChildInstances;
import io.segflow.testing.OracleInstances;
import io.segflow.testing.SharedServices;
import io.segflow.testing.TestRuntimes;
import io.segflow.verify.Oracle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The oracle while instances come and go, on a broker, S3 server and registry shared by the
 * class: a second instance joining halfway (the channels rebalance while rows arrive), and an
 * instance halted with no clean shutdown at five points, restarted each time: in the middle of an
 * upload; right after an L0 segment's delta log reached object storage; while a compaction
 * worker writes its outputs; with a compaction result applied (meta_saved) but not committed;
 * and while garbage collection deletes a committed compaction's inputs (before cleaned).
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class DisruptedOracleIT {
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

    private static Map<String, String> instance(String name, String catalog) {
        return services.aggressiveInstance(dir.resolve(name), "_collections-" + catalog);
    }

    @Test
    void aSecondInstanceJoiningHalfwayChangesNoAnswer() throws Exception {
        List<String> apis = new CopyOnWriteArrayList<>();
        try (SegflowApp first = TestRuntimes.start(instance("first", "rebalance"))) {
            apis.add(first.endpoints().http());
            SegflowApp[] second = new SegflowApp[1];
            try {
                Oracle.Outcome outcome = new Oracle(new OracleInstances(services, apis, () -> {
                    second[0] = TestRuntimes.start(instance("second", "rebalance"));
                    apis.add(second[0].endpoints().http());
                }), System.out).run(new Oracle.Plan(OracleInstances.seed(), 4000, 6, 400));

                assertThat(outcome.comparisons()).isGreaterThanOrEqualTo(6 * 24);
                assertThat(first.pipelines().ensure(outcome.collection()).localChannels())
                        .as("the first instance gave channels away").hasSizeBetween(1, 3);
            } finally {
                if (second[0] != null) {
                    second[0].close();
                }
            }
        }
    }

    @Test
    void anInstanceHaltedInUploadsCompactionsAndGarbageCollectionLosesAndResurrectsNothing() throws Exception {
        Map<String, String> settings = instance("crashing", "crash");
        String api = "http://127.0.0.1:" + settings.get(SegflowConfig.HTTP_PORT);
        List<String> crashes = List.of(Failpoints.UPLOAD_PARTIAL + ":3", Failpoints.L0_UPLOADED + ":2", Failpoints.COMPACTION_WRITTEN + ":2",
                Failpoints.COMPACTION_META_SAVED + ":2", Failpoints.GC_DELETED + ":2");
        List<Integer> exits = new CopyOnWriteArrayList<>();
        try (ChildInstances children = new ChildInstances()) {
            Process running = children.start(settings, "-D" + Failpoints.PROPERTY + "=" + crashes.get(0));
            // Each time the instance halts, the next one starts on the same data, armed for the next crash.
            CompletableFuture<Void> restarts = CompletableFuture.runAsync(() -> {
                try {
                    Process current = running;
                    for (int i = 1; i <= crashes.size(); i++) {
                        exits.add(current.waitFor());
                        current = i < crashes.size()
                                ? children.start(settings, "-D" + Failpoints.PROPERTY + "=" + crashes.get(i))
                                : children.start(settings);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Oracle.Outcome outcome = new Oracle(new OracleInstances(services, List.of(api), () -> { }), System.out).run(new Oracle.Plan(OracleInstances.seed(), 6000, 8, 400));

            assertThat(outcome.comparisons()).isGreaterThanOrEqualTo(8 * 24);
            assertThat(exits).as("every crash point was reached").containsExactly(Collections.nCopies(crashes.size(), Failpoints.HALT_STATUS)
                    .toArray(Integer[]::new));
            restarts.get(5, TimeUnit.SECONDS);
        }
    }
}
