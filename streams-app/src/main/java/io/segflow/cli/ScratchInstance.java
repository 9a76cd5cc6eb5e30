package io.segflow.cli;

import io.segflow.app.ChildInstances;
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
    private final Map<String, String> flags;
    private SegflowConfig config;
    private SegflowApp app;

    private ScratchInstance(Path dir, Map<String, String> flags) {
        this.dir = dir;
        this.flags = flags;
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
        ScratchInstance instance = new ScratchInstance(dir, flags);
        try {
            instance.open();
            return instance;
        } catch (Exception | Error e) {
            Folders.deleteRecursively(dir);
            throw e;
        }
    }

    /** Stops the instance cleanly and starts it again on the same data and ports with {@code changes} to its settings. */
    void restart(Map<String, String> changes) throws Exception {
        app.close();
        app = null;
        flags.putAll(changes);
        open();
    }

    /** Stops the instance cleanly, deletes its Kafka Streams state and starts it again: its stores restore from their changelogs. */
    void restartWithoutLocalState() throws Exception {
        app.close();
        app = null;
        Folders.deleteRecursively(config.streamsStateDir());
        open();
    }

    private void open() throws Exception {
        config = ConfigLoader.load(null, Map.of(), flags);
        app = SegflowApp.start(config);
    }

    /**
     * A second instance in a child JVM of this jar, on this one's broker, S3 server and registry,
     * sharing its collections; closing kills it.
     */
    Joined join(Map<String, String> settings, String... jvmOptions) throws Exception {
        Map<String, String> flags = new HashMap<>(settings);
        flags.put(SegflowConfig.DATA_DIR, dir.resolve("joined").toString());
        flags.put(SegflowConfig.DEMO_COLLECTION, "false");
        flags.put(SegflowConfig.KAFKA_BOOTSTRAP_SERVERS, app.endpoints().kafka());
        flags.put(SegflowConfig.SCHEMA_REGISTRY_URL, app.endpoints().schemaRegistry());
        flags.put(SegflowConfig.S3_ENDPOINT, app.endpoints().s3());
        flags.put(SegflowConfig.HTTP_PORT, String.valueOf(FreePorts.next()));
        ChildInstances children = ChildInstances.ofThisJar();
        try {
            return new Joined(children, children.start(flags, jvmOptions));
        } catch (Exception | Error e) {
            children.close();
            throw e;
        }
    }

    /** An instance {@link #join} started. */
    record Joined(ChildInstances children, Process process) implements AutoCloseable {
        /** CPU the child JVM has used so far, all its threads. */
        double cpuSeconds() {
            return process.info().totalCpuDuration().map(used -> used.toNanos() / 1e9).orElse(0.0);
        }

        @Override
        public void close() throws InterruptedException {
            children.close();
        }
    }

    SegflowApp app() {
        return app;
    }

    SegflowConfig config() {
        return config;
    }

    @Override
    public void close() {
        try {
            if (app != null) {
                app.close();
            }
        } finally {
            Folders.deleteRecursively(dir);
        }
    }
}
