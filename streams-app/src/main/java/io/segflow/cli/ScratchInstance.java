package io.segflow.cli;

import io.segflow.app.SegflowApp;
import io.segflow.config.ConfigLoader;
import io.segflow.config.SegflowConfig;
import io.segflow.embedded.Folders;
import io.segflow.embedded.FreePorts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** A fresh embedded default in a temporary folder, on free ports, deleted when closed: what bench and verify run on. */
final class ScratchInstance implements AutoCloseable {
    private final Path dir;
    private final SegflowApp app;

    private ScratchInstance(Path dir, SegflowApp app) {
        this.dir = dir;
        this.app = app;
    }

    static ScratchInstance start(String prefix, Map<String, String> settings) throws Exception {
        Path dir = Files.createTempDirectory(prefix);
        Map<String, String> flags = new HashMap<>(settings);
        flags.put(SegflowConfig.DATA_DIR, dir.toString());
        flags.put(SegflowConfig.DEMO_COLLECTION, "false");
        for (String port : new String[] {SegflowConfig.EMBEDDED_KAFKA_PORT, SegflowConfig.EMBEDDED_KAFKA_CONTROLLER_PORT,
            SegflowConfig.EMBEDDED_S3_PORT, SegflowConfig.EMBEDDED_SCHEMA_REGISTRY_PORT, SegflowConfig.HTTP_PORT}) {
            flags.putIfAbsent(port, String.valueOf(FreePorts.next()));
        }
        try {
            return new ScratchInstance(dir, SegflowApp.start(ConfigLoader.load(null, Map.of(), flags)));
        } catch (Exception | Error e) {
            Folders.deleteRecursively(dir);
            throw e;
        }
    }

    SegflowApp app() {
        return app;
    }

    @Override
    public void close() {
        try {
            app.close();
        } finally {
            Folders.deleteRecursively(dir);
        }
    }
}
