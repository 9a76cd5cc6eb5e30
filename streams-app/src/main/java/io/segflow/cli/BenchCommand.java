package io.segflow.cli;

import io.segflow.bench.IngestBenchmark;
import io.segflow.bench.ReadBenchmark;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code segflow bench ...}: benchmarks on a {@link ScratchInstance}. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks on a fresh embedded default.",
        subcommands = {BenchCommand.Ingest.class, BenchCommand.Read.class})
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
            try (ScratchInstance instance = ScratchInstance.start("segflow-bench", settings)) {
                IngestBenchmark.run(instance.app(), warmupRows, rows, dim, channels, System.err).print(System.out);
            }
            return 0;
        }
    }

    @Command(name = "read", mixinStandardHelpOptions = true,
            description = "Count, get and search latency p50/p99 and delete visibility on N rows in many small segments, a share deleted.")
    static final class Read implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "1000000", description = "Rows to insert (default ${DEFAULT-VALUE}).")
        long rows;

        @Option(names = "--dim", defaultValue = "128", description = "Vector dimension (default ${DEFAULT-VALUE}).")
        int dim;

        @Option(names = "--deleted", defaultValue = "0.3", description = "Share of the rows deleted before timing (default ${DEFAULT-VALUE}).")
        double deleted;

        @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
                description = "Any setting of the instance under test (default: seal.capacity.bytes=1048576 and"
                        + " seal.check.interval.ms=100, for many small segments).")
        Map<String, String> settings = new HashMap<>();

        @Override
        public Integer call() throws Exception {
            Map<String, String> effective = new HashMap<>(ReadBenchmark.SETTINGS);
            effective.putAll(settings);
            try (ScratchInstance instance = ScratchInstance.start("segflow-bench", effective)) {
                ReadBenchmark.run(instance.app(), rows, dim, deleted, System.err).print(System.out);
            }
            return 0;
        }
    }
}
