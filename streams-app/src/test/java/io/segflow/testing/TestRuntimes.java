package io.segflow.testing;

import io.segflow.app.SegflowApp;
import io.segflow.config.ConfigLoader;
import io.segflow.config.SegflowConfig;
import io.segflow.embedded.FreePorts;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Embedded runtimes for integration tests: the real broker, S3 server and registry, on free ports. */
public final class TestRuntimes {
    private TestRuntimes() {
    }

    public static Map<String, String> settings(Path dataDir) {
        Map<String, String> settings = new HashMap<>();
        settings.put(SegflowConfig.DATA_DIR, dataDir.toString());
        settings.put(SegflowConfig.EMBEDDED_KAFKA_PORT, String.valueOf(FreePorts.next()));
        settings.put(SegflowConfig.EMBEDDED_KAFKA_CONTROLLER_PORT, String.valueOf(FreePorts.next()));
        settings.put(SegflowConfig.EMBEDDED_S3_PORT, String.valueOf(FreePorts.next()));
        settings.put(SegflowConfig.EMBEDDED_SCHEMA_REGISTRY_PORT, String.valueOf(FreePorts.next()));
        settings.put(SegflowConfig.HTTP_PORT, String.valueOf(FreePorts.next()));
        return settings;
    }

    public static SegflowApp start(Map<String, String> settings) throws Exception {
        return SegflowApp.start(ConfigLoader.load(null, Map.of(), settings));
    }
}
