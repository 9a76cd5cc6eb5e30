package io.segflow.cli;

import io.segflow.verify.Oracle;
import io.segflow.verify.VerificationFailure;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;

/** {@code segflow verify}: the correctness oracle on a {@link ScratchInstance} with aggressive seal and L0 flush settings. */
@Command(name = "verify", mixinStandardHelpOptions = true,
        description = "Run a seeded random DML workload and compare count, get and search with an in-memory model; exit 1 on a difference.")
final class VerifyCommand implements Callable<Integer> {
    @Option(names = "--seed", description = "Seed of the workload (default: random, printed); a failing seed replays the same run.")
    Long seed;

    @Option(names = "--events", defaultValue = "20000", description = "DML events (default ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--checkpoints", defaultValue = "10", description = "Comparisons spread over the run (default ${DEFAULT-VALUE}).")
    int checkpoints;

    @Option(names = "--keys", defaultValue = "2000", description = "Distinct primary keys (default ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = {"-s", "--set"}, paramLabel = "KEY=VALUE", description = "Any setting of the instance under test.")
    Map<String, String> settings = new HashMap<>();

    @Override
    public Integer call() throws Exception {
        Map<String, String> effective = new HashMap<>(Oracle.AGGRESSIVE_SETTINGS);
        effective.putAll(settings);
        long runSeed = seed == null ? ThreadLocalRandom.current().nextLong() : seed;
        try (ScratchInstance instance = ScratchInstance.start("segflow-verify", effective)) {
            new Oracle(Oracle.Target.of(instance.app().endpoints()), System.out).run(new Oracle.Plan(runSeed, events, checkpoints, keys));
            return 0;
        } catch (VerificationFailure failure) {
            System.out.println("FAILED: " + failure.getMessage() + " (replay: segflow verify --seed " + failure.seed() + ")");
            return 1;
        }
    }
}
