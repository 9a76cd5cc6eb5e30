package io.segflow.cli;

import io.segflow.metrics.MetricsReference;
import picocli.CommandLine.Command;

/** {@code segflow metrics-reference}: prints the metrics table the README embeds. */
@Command(name = "metrics-reference", mixinStandardHelpOptions = true,
        description = "Print every Segflow meter with its Prometheus name, type, tags and meaning, as Markdown.")
final class MetricsReferenceCommand implements Runnable {
    @Override
    public void run() {
        System.out.print(MetricsReference.markdown());
    }
}
