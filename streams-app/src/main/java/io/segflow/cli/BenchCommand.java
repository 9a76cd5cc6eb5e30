package io.segflow.cli;

import io.segflow.bench.BackpressureBenchmark;
import io.segflow.bench.CatalogBenchmark;
import io.segflow.bench.CodecBenchmark;
import io.segflow.bench.CompactionBenchmark;
import io.segflow.bench.FailoverBenchmark;
import io.segflow.bench.ImportBenchmark;
import io.segflow.bench.IngestBenchmark;
import io.segflow.bench.ReadBenchmark;
import io.segflow.bench.StorageBenchmark;
import io.segflow.compaction.CompactionSettings;
import io.segflow.config.SegflowConfig;
import io.segflow.imports.ImportFormat;
import io.segflow.ingest.IngestSettings;
import io.segflow.schema.CompactionType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code segflow bench ...}: benchmarks on a {@link ScratchInstance}. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks on a fresh embedded default.",
        subcommands = {BenchCommand.Ingest.class, BenchCommand.Read.class, BenchCommand.Compaction.class, BenchCommand.Failover.class, BenchCommand.Storage.class,
            BenchCommand.Backpressure.class, BenchCommand.Catalog.class, BenchCommand.Import.class, BenchCommand.Codec.class})
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

    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import N rows from files in the bucket (written and uploaded first, not timed), then ingest the same rows"
                    + " through Kafka in the same run: import rows/s and MB/s against a raw copy of the files and ingest rows/s, CPU"
                    + " and heap.")
    static final class Import implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "1000000", description = "Rows to import (default ${DEFAULT-VALUE}).")
        long rows;

        @Option(names = "--warmup-rows", defaultValue = "200000",
                description = "Rows imported (and ingested) before the timed runs, to warm the JIT up (default ${DEFAULT-VALUE}; 0: none).")
        long warmupRows;

        @Option(names = "--dim", defaultValue = "128", description = "Vector dimension (default ${DEFAULT-VALUE}).")
        int dim;

        @Option(names = "--format", defaultValue = "npy", description = "npy, parquet or json (default ${DEFAULT-VALUE}).")
        String format;

        @Option(names = "--compare-ingest", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Ingest the same rows through Kafka afterwards and print the ratio (default); --no-compare-ingest: the import alone.")
        boolean compare;

        @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Any setting of the instance under test.")
        Map<String, String> settings = new HashMap<>();

        @Override
        public Integer call() throws Exception {
            try (ScratchInstance instance = ScratchInstance.start("segflow-bench", settings)) {
                ImportBenchmark.run(instance.app(), rows, dim, ImportFormat.of(format), warmupRows, compare, System.err).print(System.out);
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

        @Option(names = "--searches", defaultValue = "50",
                description = "Counts, searches and raw scans timed, of each (default ${DEFAULT-VALUE}); each reads every live row.")
        int searches;

        @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
                description = "Any setting of the instance under test (default: seal.capacity.bytes=1048576 and"
                        + " seal.check.interval.ms=100, for many small segments).")
        Map<String, String> settings = new HashMap<>();

        @Override
        public Integer call() throws Exception {
            Map<String, String> effective = new HashMap<>(ReadBenchmark.SETTINGS);
            effective.putAll(settings);
            try (ScratchInstance instance = ScratchInstance.start("segflow-bench", effective)) {
                ReadBenchmark.run(instance.app(), rows, dim, deleted, searches, instance.config().getLong(SegflowConfig.READ_MEMORY_BYTES),
                        System.err).print(System.out);
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

        @Option(names = "--searches", defaultValue = "50",
                description = "Searches timed before and after compaction (default ${DEFAULT-VALUE}); each reads every live vector.")
        int searches;

        @Option(names = "--settle-ms", defaultValue = "-1",
                description = "Segments unchanged this long count as converged (default: the longer of the mix and single intervals, plus 5 s).")
        long settleMs;

        @Option(names = "--warmup-rows", defaultValue = "100000",
                description = "Rows of a collection fragmented and compacted first on the same instance, so that the measured compaction"
                        + " runs on compiled code as on an instance that has been up a while (default ${DEFAULT-VALUE}; 0 for none).")
        long warmupRows;

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
                if (warmupRows > 0) {
                    warmUp(instance);
                }
                CompactionBenchmark.Fragmented fragmented = CompactionBenchmark.fragment(instance.app(), rows, dim, channels, deleted, upserted,
                        searches, System.err);
                System.err.println("restarting with compaction on");
                instance.restart(CompactionBenchmark.COMPACTION_ON);
                CompactionSettings compaction = instance.config().compaction();
                long settle = settleMs >= 0 ? settleMs : Math.max(compaction.intervalMs(CompactionType.MIX),
                        compaction.intervalMs(CompactionType.SINGLE)) + 5_000;
                CompactionBenchmark.converge(instance.app(), fragmented, compaction, settle, maxWait, searches, System.err).print(System.out);
            }
            return 0;
        }

        /**
         * Fragments and compacts a smaller collection, its L0 deletes due at once, then restarts with compaction off and
         * the L0 age as it was (the same JVM keeps its compiled code).
         */
        private void warmUp(ScratchInstance instance) throws Exception {
            System.err.printf("warming up on a collection of %,d rows%n", warmupRows);
            CompactionBenchmark.Fragmented warm = CompactionBenchmark.fragment(instance.app(), warmupRows, dim, channels, deleted, upserted,
                    1, System.err);
            long l0AgeMs = instance.config().compaction().thresholds(warm.spec()).l0AgeMs();
            instance.restart(Map.of(CompactionSettings.ENABLED, "true", CompactionSettings.L0_AGE_MS, "0"));
            CompactionBenchmark.warm(instance.app(), warm, maxWait, System.err);
            instance.restart(Map.of(CompactionSettings.ENABLED, "false", CompactionSettings.L0_AGE_MS, String.valueOf(l0AgeMs)));
        }
    }

    @Command(name = "backpressure", mixinStandardHelpOptions = true,
            description = "Upsert every key of a collection many times, flat out, with compaction held to a trickle: once with"
                    + " compaction backpressure off, then on a restarted instance with it on; the space amplification each run"
                    + " reaches and the time its ingest took.")
    static final class Backpressure implements Callable<Integer> {
        /** Compaction's trickle, unless --set says otherwise. */
        static final Map<String, String> TRICKLE = Map.of(CompactionSettings.IO_BYTES_PER_SECOND, String.valueOf(4_000_000),
                CompactionSettings.L0_INTERVAL_MS, "1000", CompactionSettings.MIX_INTERVAL_MS, "1000", CompactionSettings.SINGLE_INTERVAL_MS, "1000",
                CompactionSettings.GC_GRACE_MS, "5000", IngestSettings.L0_FLUSH_AGE_MS, "1000", CompactionSettings.L0_AGE_MS, "1000");
        static final Map<String, String> OFF = Map.of(IngestSettings.BACKPRESSURE_BACKLOG_SOFT, "0",
                IngestSettings.BACKPRESSURE_BACKLOG_HARD, "0", IngestSettings.BACKPRESSURE_RECLAIM_SOFT, "0",
                IngestSettings.BACKPRESSURE_RECLAIM_HARD, "0");

        @Option(names = "--keys", defaultValue = "10000", description = "Rows of the collection (default ${DEFAULT-VALUE}).")
        int keys;

        @Option(names = "--upserts", defaultValue = "100000", description = "Upserts, spread evenly over the keys (default ${DEFAULT-VALUE}).")
        long upserts;

        @Option(names = "--dim", defaultValue = "128", description = "Vector dimension (default ${DEFAULT-VALUE}).")
        int dim;

        @Option(names = "--channels", defaultValue = "4", description = "Channels (default ${DEFAULT-VALUE}).")
        int channels;

        @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
                description = "Settings of both runs (default: compaction.io.bytes.per.second=4000000 with the L0, mix and single policies"
                        + " every second, deletes flushed and compacted after 1 s (l0.flush.age.ms, compaction.l0.age.ms) and"
                        + " gc.grace.ms=5000, so that what compaction reclaims leaves the bucket soon; seal.capacity.bytes=262144 with"
                        + " seal.check.interval.ms=20, so that upserted rows reach object storage in many small segments).")
        Map<String, String> settings = new HashMap<>();

        @Option(names = {"-b", "--backpressure"}, paramLabel = "KEY=VALUE",
                description = "Settings of the second run only (default: backpressure.space.amplification.soft=2,"
                        + " backpressure.space.amplification.hard=4, backpressure.space.min.garbage.bytes=0).")
        Map<String, String> on = new HashMap<>(Map.of(IngestSettings.BACKPRESSURE_SPACE_SOFT, "2", IngestSettings.BACKPRESSURE_SPACE_HARD, "4",
                IngestSettings.BACKPRESSURE_SPACE_MIN_GARBAGE, "0"));

        @Override
        public Integer call() throws Exception {
            Map<String, String> both = new HashMap<>(CompactionBenchmark.FRAGMENT_SETTINGS);
            both.putAll(TRICKLE);
            both.putAll(settings);
            Map<String, String> withOn = new HashMap<>(both);
            withOn.putAll(on);
            both.putAll(OFF);
            BackpressureBenchmark.Run off = run("backpressure off", both);
            BackpressureBenchmark.Run held = run("backpressure on", withOn);
            System.out.printf("backpressure: %,d keys upserted %,d times over, dim %d, %d channels, compaction I/O limited to %s bytes/s;"
                    + " backpressure settings of the second run: %s%n", keys, upserts / keys, dim, channels,
                    both.get(CompactionSettings.IO_BYTES_PER_SECOND), on);
            off.print(System.out);
            held.print(System.out);
            System.out.printf("  ratio peak space amplification on / off: %.2f; ingest time on / off: %.2f%n",
                    held.peakSpaceAmplification() / off.peakSpaceAmplification(), held.ingestSeconds() / off.ingestSeconds());
            return 0;
        }

        /** Each run on an instance of its own, so that the first run's compaction does not spend the second's budget. */
        private BackpressureBenchmark.Run run(String label, Map<String, String> instanceSettings) throws Exception {
            try (ScratchInstance instance = ScratchInstance.start("segflow-bench", instanceSettings)) {
                return BackpressureBenchmark.run(instance.app(), label, keys, upserts, dim, channels, System.err);
            }
        }
    }

    @Command(name = "storage", mixinStandardHelpOptions = true,
            description = "The storage path alone: objects copied (get, then put) one at a time through the MinIO client and the embedded"
                    + " S3 server, round after round: rate, get and put times, CPU per copied object of the process, the server and the client.")
    static final class Storage implements Callable<Integer> {
        @Option(names = "--objects", defaultValue = "150", description = "Objects copied per round (default ${DEFAULT-VALUE}).")
        int objects;

        @Option(names = "--size", defaultValue = "327680", description = "Bytes per object (default ${DEFAULT-VALUE}, a small insert log's).")
        int size;

        @Mixin
        RoundOptions rounds;

        @Override
        public Integer call() throws Exception {
            StorageBenchmark.run(objects, size, rounds.warmupRounds, rounds.rounds, System.err).print(System.out);
            return 0;
        }
    }

    @Command(name = "codec", mixinStandardHelpOptions = true,
            description = "The insert logs' block codec alone, on one thread: blocks of float32 vectors compressed and decompressed by"
                    + " Avro's own zstandard codec and by the one the files are written with, in turn: CPU per MB each way.")
    static final class Codec implements Callable<Integer> {
        @Option(names = "--blocks", defaultValue = "32", description = "Blocks per round (default ${DEFAULT-VALUE}).")
        int blocks;

        @Option(names = "--block-bytes", defaultValue = "1048576", description = "Bytes per block (default ${DEFAULT-VALUE}, the insert logs').")
        int blockBytes;

        @Mixin
        RoundOptions rounds;

        @Override
        public Integer call() throws Exception {
            CodecBenchmark.run(blocks, blockBytes, rounds.warmupRounds, rounds.rounds, System.err).print(System.out);
            return 0;
        }
    }

    @Command(name = "catalog", mixinStandardHelpOptions = true,
            description = "One collection grown to each of --segments segments (tiny segments, compaction off): the segment listing,"
                    + " a count, garbage collection's listing and orphan decision, and the restore time of the channel tasks after a"
                    + " restart, from their local stores and from their changelogs.")
    static final class Catalog implements Callable<Integer> {
        @Option(names = "--segments", defaultValue = "1000,2500,5000,10000", split = ",",
                description = "Segment counts to measure at, ascending (default ${DEFAULT-VALUE}).")
        List<Integer> segments;

        @Option(names = "--channels", defaultValue = "1", description = "Channels (default ${DEFAULT-VALUE}: every segment in one channel's catalog).")
        int channels;

        @Option(names = "--rate", defaultValue = "20000",
                description = "Rows produced per second while the collection grows (default ${DEFAULT-VALUE}): slow enough that segments seal at their capacity.")
        int rate;

        @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE",
                description = "Any setting of the instance under test (default: seal.capacity.bytes=16384, seal.capacity.jitter=0,"
                        + " ingest.tick.ms=5, seal.check.interval.ms=5, backpressure.max.sealed.segments=64, upload.threads=4,"
                        + " compaction.enabled=false).")
        Map<String, String> settings = new HashMap<>();

        @Override
        public Integer call() throws Exception {
            Map<String, String> effective = new HashMap<>(CatalogBenchmark.SETTINGS);
            effective.putAll(settings);
            try (ScratchInstance instance = ScratchInstance.start("segflow-bench", effective)) {
                CatalogBenchmark.run(instance.app(), dropLocalState -> {
                    if (dropLocalState) {
                        instance.restartWithoutLocalState();
                    } else {
                        instance.restart(Map.of());
                    }
                    return instance.app();
                }, channels, segments, rate, System.err).print(System.out);
            }
            return 0;
        }
    }
}
