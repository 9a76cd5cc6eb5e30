package io.segflow.cli;

import io.segflow.bench.CompactionBenchmark;
import io.segflow.bench.FailoverBenchmark;
import io.segflow.bench.IngestBenchmark;
import io.segflow.bench.ReadBenchmark;
import io.segflow.compaction.CompactionSettings;
import io.segflow.schema.CompactionType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code segflow bench ...}: benchmarks on a {@link ScratchInstance}. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks on a fresh embedded default.",
        subcommands = {BenchCommand.Ingest.class, BenchCommand.Read.class, BenchCommand.Compaction.class, BenchCommand.Failover.class})
final class BenchCommand {

    @Command(name = "ingest", mixinStandardHelpOptions = true,
            description = "Insert N rows and time first produce -> all rows Flushed; compare with a plain consumer of the same topic.")
    static final class Ingest implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "1000000", description = "Rows to insert (default ${DEFAULT-VALUE}).")
        long rows;

        @Option(names = "--warmup-rows", defaultValue = "500000",
                description = "Rows ingested and flushed into the collection before the timed run, to warm the JIT up (default ${DEFAULT-VALUE}; 0: none).")
        long warmupRows;

        @Option(names = "--dim", defaultValue = "128", description = "Vector dimension (default ${DEFAULT-VALUE}).")
        int dim;

        @Option(names = "--channels", defaultValue = "4", description = "Channels (default ${DEFAULT-VALUE}).")
        int channels;

        @Option(names = "--instances", defaultValue = "1",
                description = "Instances sharing the channels: 1, or 2 (the second in a child JVM on the first one's services) (default ${DEFAULT-VALUE}).")
        int instances;

        @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Any setting of the instances under test.")
        Map<String, String> settings = new HashMap<>();

        @Override
        public Integer call() throws Exception {
            if (instances < 1 || instances > 2) {
                throw new IllegalArgumentException("--instances is 1 or 2");
            }
            try (ScratchInstance instance = ScratchInstance.start("segflow-bench", settings);
                 ScratchInstance.Joined second = instances == 2 ? instance.join(settings, "-Xmx" + Runtime.getRuntime().maxMemory()) : null) {
                IngestBenchmark.run(instance.app(), instances, second == null ? () -> 0 : second::cpuSeconds, warmupRows, rows, dim, channels,
                        System.err).print(System.out);
            }
            return 0;
        }
    }

    @Command(name = "failover", mixinStandardHelpOptions = true,
            description = "Three instances in child JVMs, a steady producer, one instance halted: time until every channel is assigned, the survivors ready, every channel served"
                    + " again and until lag is back under 1 s, with no standby and with one, median of --repeats.")
    static final class Failover implements Callable<Integer> {
        @Option(names = "--repeats", defaultValue = "3", description = "Halts per standby setting (default ${DEFAULT-VALUE}).")
        int repeats;

        @Option(names = "--rate", defaultValue = "2000", description = "Events produced per second (default ${DEFAULT-VALUE}).")
        int rate;

        @Override
        public Integer call() throws Exception {
            try (ScratchInstance services = ScratchInstance.start("segflow-bench", Map.of())) {
                FailoverBenchmark.run(services.app().endpoints(), repeats, rate, System.err).print(System.out);
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

    @Command(name = "compaction", mixinStandardHelpOptions = true,
            description = "A fragmented collection (small segments, a share deleted and upserted) written with compaction off, then"
                    + " compacted after a restart with it on: time to reclaim, space and write amplification, search before and"
                    + " after, input MB/s per worker against a raw copy of the same objects.")
    static final class Compaction implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "200000", description = "Rows to insert (default ${DEFAULT-VALUE}).")
        long rows;

        @Option(names = "--dim", defaultValue = "128", description = "Vector dimension (default ${DEFAULT-VALUE}).")
        int dim;

        @Option(names = "--channels", defaultValue = "4", description = "Channels (default ${DEFAULT-VALUE}).")
        int channels;

        @Option(names = "--deleted", defaultValue = "0.3", description = "Share of the rows deleted (default ${DEFAULT-VALUE}).")
        double deleted;

        @Option(names = "--upserted", defaultValue = "0.1", description = "Share of the rows upserted (default ${DEFAULT-VALUE}).")
        double upserted;

        @Option(names = "--settle-ms", defaultValue = "-1",
                description = "Segments unchanged this long count as converged (default: the longer of the mix and single intervals, plus 5 s).")
        long settleMs;

        @Option(names = "--max-wait", defaultValue = "PT30M", description = "Give up converging after this long (default ${DEFAULT-VALUE}).")
        Duration maxWait;

        @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
                description = "Any setting of the instance under test (default: seal.capacity.bytes=262144 and seal.check.interval.ms=20,"
                        + " for many small segments; compaction settings at their defaults).")
        Map<String, String> settings = new HashMap<>();

        @Override
        public Integer call() throws Exception {
            Map<String, String> effective = new HashMap<>(CompactionBenchmark.FRAGMENT_SETTINGS);
            effective.putAll(settings);
            effective.putAll(CompactionBenchmark.COMPACTION_OFF);
            try (ScratchInstance instance = ScratchInstance.start("segflow-bench", effective)) {
                CompactionBenchmark.Fragmented fragmented = CompactionBenchmark.fragment(instance.app(), rows, dim, channels, deleted, upserted,
                        System.err);
                System.err.println("restarting with compaction on");
                instance.restart(CompactionBenchmark.COMPACTION_ON);
                CompactionSettings compaction = instance.config().compaction();
                long settle = settleMs >= 0 ? settleMs : Math.max(compaction.intervalMs(CompactionType.MIX),
                        compaction.intervalMs(CompactionType.SINGLE)) + 5_000;
                CompactionBenchmark.converge(instance.app(), fragmented, compaction, settle, maxWait, System.err).print(System.out);
            }
            return 0;
        }
    }
}
