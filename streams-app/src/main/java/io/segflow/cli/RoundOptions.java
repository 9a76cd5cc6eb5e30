package io.segflow.cli;

import picocli.CommandLine.Option;

/** The rounds of a benchmark that repeats one measure: some to warm the JIT up, then those measured. */
final class RoundOptions {
    @Option(names = "--warmup-rounds", defaultValue = "20", description = "Rounds run before those measured (default ${DEFAULT-VALUE}).")
    int warmupRounds;

    @Option(names = "--rounds", defaultValue = "10", description = "Rounds measured (default ${DEFAULT-VALUE}).")
    int rounds;
}
