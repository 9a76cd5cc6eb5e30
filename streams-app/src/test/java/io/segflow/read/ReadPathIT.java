package io.segflow.read;

import io.segflow.app.SegflowApp;
import io.segflow.testing.TestRuntimes;
import io.segflow.verify.Oracle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read path against the oracle, on the embedded runtime in one JVM, with aggressive seal and
 * L0 flush settings, and a bulk import in the middle of the workload.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ReadPathIT {
    @TempDir
    static Path dir;
    private static SegflowApp app;

    @BeforeAll
    static void start() throws Exception {
        Map<String, String> settings = new HashMap<>(TestRuntimes.settings(dir));
        settings.putAll(Oracle.AGGRESSIVE_SETTINGS);
        app = TestRuntimes.start(settings);
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void everyAnswerEqualsTheModelOfTheDmlStream() throws Exception {
        long seed = Long.getLong("oracle.seed", ThreadLocalRandom.current().nextLong());
        System.out.println("oracle seed " + seed + " (replay with -Doracle.seed=" + seed + ")");
        // A bulk import of 300 rows a third of the way through: later deletes and upserts must reach its rows.
        Oracle.Outcome outcome = new Oracle(Oracle.Target.of(app.endpoints(), app.storage()), System.out)
                .run(new Oracle.Plan(seed, 4000, 6, 400, 300));
        assertThat(outcome.comparisons()).isGreaterThanOrEqualTo(6 * 24);
        assertThat(app.segments().segments(outcome.collection(), false))
                .as("segments went through flushes, L1 and L0").anyMatch(s -> s.level().equals("L0") && s.state().equals("FLUSHED"))
                .anyMatch(s -> s.level().equals("L1") && s.state().equals("FLUSHED"));
    }
}
