package io.segflow.cli;

import io.segflow.app.SegflowApp;
import io.segflow.bench.IngestBenchmark;
import io.segflow.config.ConfigLoader;
import io.segflow.config.SegflowConfig;
import io.segflow.embedded.FreePorts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/** {@code segflow bench ...}: benchmarks on a fresh embedded default in a temporary folder, on free ports. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks on a fresh embedded default.",
        subcommands = {BenchCommand.Ingest.class})
final class BenchCommand {

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "Insert N rows and time first produce -> all rows Flushed; compare with a plain consumer of the same topic.")
    static final class Ingest implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "1000000", description = "Rows to insert (default ${DEFAULT-VALUE}).")
        long rows;

        @Option(names = "--warmup-rows", defaultValue = "500000",
                description = "Rows ingested into a collection of their own before the timed run, to warm the JIT up (default ${DEFAULT-VALUE}; 0: none).")
        long warmupRows;

        @Option(names = "--dim", defaultValue = "128", description = "Vector dimension (default ${DEFAULT-VALUE}).")
        int dim;

        @Option(names = "--channels", defaultValue = "4", description = "Channels (default ${DEFAULT-VALUE}).")
        int channels;

        @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Any setting of the instance under test.")
        Map<String, String> settings = new HashMap<>();

        @Override
        public Integer call() throws Exception {
            Path dir = Files.createTempDirectory("segflow-bench");
            Map<String, String> flags = new HashMap<>(settings);
            flags.put(SegflowConfig.DATA_DIR, dir.toString());
            flags.put(SegflowConfig.DEMO_COLLECTION, "false");
            for (String port : new String[] {SegflowConfig.EMBEDDED_KAFKA_PORT, SegflowConfig.EMBEDDED_KAFKA_CONTROLLER_PORT,
                SegflowConfig.EMBEDDED_S3_PORT, SegflowConfig.EMBEDDED_SCHEMA_REGISTRY_PORT, SegflowConfig.HTTP_PORT}) {
                flags.putIfAbsent(port, String.valueOf(FreePorts.next()));
            }
            try (SegflowApp app = SegflowApp.start(ConfigLoader.load(null, Map.of(), flags))) {
                IngestBenchmark.run(app, warmupRows, rows, dim, channels, System.err).print(System.out);
            } finally {
                deleteRecursively(dir);
            }
            return 0;
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
