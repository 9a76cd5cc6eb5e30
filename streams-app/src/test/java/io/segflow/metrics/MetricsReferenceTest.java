package io.segflow.metrics;

import com.google.common.base.Ticker;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.segflow.catalog.SegmentTally;
import io.segflow.compaction.CompactionIo;
import io.segflow.read.DecodedFiles;
import io.segflow.schema.CompactionStatus;
import io.segflow.schema.CompactionType;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.serde.BadInputReason;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsReferenceTest {
    /** Surefire runs in the module folder; the README is the project's. */
    private static final Path README = Path.of("..", "README.md");
    /**
     * Registered by the lag monitor and the pipelines, checked on a running instance by
     * EmbeddedRuntimeIT and DashboardQueriesIT.
     */
    private static final Set<SegflowMeter> REGISTERED_ELSEWHERE = EnumSet.of(SegflowMeter.DML_LAG_RECORDS, SegflowMeter.DML_LAG_SECONDS, SegflowMeter.READY);

    @Test
    void theReadmesMetricsReferenceIsTheDeclaredMeters() throws IOException {
        String readme = Files.readString(README);
        int begin = readme.indexOf(MetricsReference.BEGIN_MARKER);
        int end = readme.indexOf(MetricsReference.END_MARKER);
        assertThat(begin).as("README has the begin marker").isNotNegative();
        assertThat(end).as("README has the end marker after it").isGreaterThan(begin);

        assertThat(readme.substring(begin + MetricsReference.BEGIN_MARKER.length(), end).strip())
                .as("README metrics reference; regenerate it with `java -jar streams-app/target/segflow.jar metrics-reference`")
                .isEqualTo(MetricsReference.markdown().strip());
    }

    @Test
    void everyMeterRecordedIsDeclaredAndScrapedUnderTheNameTheReferenceGives() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        IngestMetrics metrics = new IngestMetrics(registry, "c");
        metrics.sealedWaiting(0, () -> 1);
        metrics.channelSegments(0, () -> SegmentTally.EMPTY);
        metrics.reclaimLag(0, () -> 2, () -> 3);
        metrics.compactionBacklog(0, () -> 4, () -> 5);
        metrics.uploadFailed();
        metrics.flushed(SegmentLevel.L1, 10, 100);
        metrics.streamThreadFailed();
        metrics.channelStarted(1_000);
        metrics.storeRestored("segments", 1_000);
        metrics.deadLettered(BadInputReason.values()[0]);
        metrics.backpressure(1_000);
        metrics.compactionBackpressure(0, () -> 2);
        metrics.compactionBackpressureWait(1_000);
        metrics.compacted(CompactionType.MIX, 100, 50, 3);
        metrics.compactionWorked(CompactionType.MIX, 1_000);
        metrics.compactionFailed(CompactionType.MIX, CompactionStatus.FAILED);
        metrics.collected("orphan", 2);
        metrics.collectFailed();
        new CompactionIo(1_000_000_000, registry, Ticker.systemTicker()).charge(1_000);
        new DecodedFiles(null, 1_000, registry);

        Set<String> timers = Arrays.stream(SegflowMeter.values()).filter(meter -> meter.type() == Meter.Type.TIMER)
                .map(meter -> meter.prometheusName() + "_max").collect(Collectors.toSet());
        Set<String> families = registry.scrape().lines().filter(line -> line.startsWith("# TYPE segflow_"))
                .map(line -> line.split(" ")[2]).filter(family -> !timers.contains(family)).collect(Collectors.toCollection(TreeSet::new));
        Set<String> expected = Arrays.stream(SegflowMeter.values()).filter(meter -> !REGISTERED_ELSEWHERE.contains(meter))
                .map(SegflowMeter::prometheusName).collect(Collectors.toCollection(TreeSet::new));

        assertThat(families).isEqualTo(expected);
        String scrape = registry.scrape();
        for (SegflowMeter meter : SegflowMeter.values()) {
            if (!REGISTERED_ELSEWHERE.contains(meter)) {
                assertThat(scrape).as(meter.name()).contains("# HELP " + meter.prometheusName() + " " + meter.description());
            }
        }
    }
}
