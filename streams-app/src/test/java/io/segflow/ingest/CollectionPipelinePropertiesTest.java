package io.segflow.ingest;

import io.segflow.config.ConfigLoader;
import io.segflow.config.SegflowConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** The Streams settings of a collection's application: its id, the advertised address, standbys and warm-up. */
class CollectionPipelinePropertiesTest {
    private static Properties properties(Map<String, String> settings) {
        SegflowConfig config = ConfigLoader.load(null, Map.of(), settings);
        CollectionPipeline.Environment env = new CollectionPipeline.Environment(Map.of("bootstrap.servers", "broker:9092"), Path.of("state"),
                (short) -1, config.advertisedHttp(), null, null, null, config.ingest(), config.compaction(), config.failover(), null, null, ImportDriver.NONE);
        return StreamsApplication.properties(CollectionPipeline.applicationId("c"), env);
    }

    @Test
    void oneStandbyByDefaultAndStreamsOwnWarmUpDefaults() {
        Properties props = properties(Map.of());
        assertThat(props).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "segflow-c")
                .containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1)
                .containsEntry(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, 10_000L)
                .containsEntry(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, 600_000L)
                .containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG, "127.0.0.1:8080");
    }

    @Test
    void theSettingsUnderTheirStreamsNamesAndTheAdvertisedAddressReachStreams() {
        Properties props = properties(Map.of("num.standby.replicas", "2", "acceptable.recovery.lag", "500",
                "probing.rebalance.interval.ms", "120000", SegflowConfig.HTTP_HOST, "0.0.0.0", SegflowConfig.HTTP_ADVERTISED_HOST, "segflow-3",
                SegflowConfig.HTTP_ADVERTISED_PORT, "18080"));
        assertThat(props).containsEntry(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 2)
                .containsEntry(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, 500L)
                .containsEntry(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, 120_000L)
                .containsEntry(StreamsConfig.APPLICATION_SERVER_CONFIG, "segflow-3:18080");
    }
}
