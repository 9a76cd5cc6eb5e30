package io.segflow.cli;

import io.segflow.app.SegflowApp;
import io.segflow.config.ConfigLoader;
import io.segflow.config.SegflowConfig;
import io.segflow.ingest.Role;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code segflow run}: starts an instance and keeps it up until Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Start Segflow. Without configuration: an embedded Kafka broker (KRaft), S3 server and Schema Registry,"
                + " with all data under --data-dir. With --config FILE or SEGFLOW_* variables naming external services:"
                + " those, and nothing embedded.", "Prints a line starting with 'segflow ready:' once every endpoint answers."})
final class RunCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Properties file of settings (see the README's configuration reference).")
    Path configFile;

    @Option(names = "--role", paramLabel = "all|ingest|compactor",
            description = "What this instance runs: everything (all, the default), ingest and reads, or compaction tasks only.")
    String role;

    @Option(names = "--data-dir", description = "Folder of all embedded state (default ./segflow-data).")
    String dataDir;

    @Option(names = "--host", description = "Address the embedded servers listen on (default 127.0.0.1).")
    String host;

    @Option(names = "--kafka-port", description = "Port of the embedded Kafka broker (default 9092).")
    Integer kafkaPort;

    @Option(names = "--kafka-controller-port", description = "Port of the embedded KRaft controller (default 9093).")
    Integer kafkaControllerPort;

    @Option(names = "--s3-port", description = "Port of the embedded S3 server (default 9000).")
    Integer s3Port;

    @Option(names = "--schema-registry-port", description = "Port of the embedded Schema Registry (default 8081).")
    Integer registryPort;

    @Option(names = "--http-port", description = "Port of the HTTP API (default 8080).")
    Integer httpPort;

    @Option(names = "--s3-access-key", description = "S3 access key (default segflow).")
    String s3AccessKey;

    @Option(names = "--s3-secret-key", description = "S3 secret key (default segflow-secret).")
    String s3SecretKey;

    @Option(names = "--s3-bucket", description = "Bucket of segment files (default segflow).")
    String s3Bucket;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Any setting, overriding file and environment.")
    Map<String, String> settings = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        SegflowConfig config = ConfigLoader.load(configFile, System.getenv(), flags());
        SegflowApp app = SegflowApp.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }, "segflow-shutdown"));
        System.out.println(app.endpoints().readyLine());
        stopped.await();
        return 0;
    }

    Map<String, String> flags() {
        Map<String, String> flags = new HashMap<>(settings);
        put(flags, Role.SETTING, role);
        put(flags, SegflowConfig.DATA_DIR, dataDir);
        put(flags, SegflowConfig.EMBEDDED_HOST, host);
        put(flags, SegflowConfig.EMBEDDED_KAFKA_PORT, kafkaPort);
        put(flags, SegflowConfig.EMBEDDED_KAFKA_CONTROLLER_PORT, kafkaControllerPort);
        put(flags, SegflowConfig.EMBEDDED_S3_PORT, s3Port);
        put(flags, SegflowConfig.EMBEDDED_SCHEMA_REGISTRY_PORT, registryPort);
        put(flags, SegflowConfig.HTTP_PORT, httpPort);
        put(flags, SegflowConfig.S3_ACCESS_KEY, s3AccessKey);
        put(flags, SegflowConfig.S3_SECRET_KEY, s3SecretKey);
        put(flags, SegflowConfig.S3_BUCKET, s3Bucket);
        return flags;
    }

    private static void put(Map<String, String> flags, String key, Object value) {
        if (value != null) {
            flags.put(key, value.toString());
        }
    }
}
