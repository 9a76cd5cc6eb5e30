package io.segflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code segflow lag C [--watch]}: each channel's owner, offsets, lag and status, then the compaction backlog, reclaim lag and backpressure. */
@Command(name = "lag", mixinStandardHelpOptions = true, description = "Show each channel's consumer lag and status, the compaction backlog, the reclaim lag and compaction backpressure (GET /collections/C/lag).")
final class LagCommand implements Runnable {
    @Mixin
    ApiOption api;

    @Parameters(index = "0", description = "Collection.")
    String collection;

    @Option(names = "--watch", description = "Print again every --interval-ms until interrupted.")
    boolean watch;

    @Option(names = "--interval-ms", defaultValue = "5000", description = "Between two prints with --watch (default: ${DEFAULT-VALUE}).")
    long intervalMs;

    @Override
    public void run() {
        do {
            JsonNode answer = api.client().get("/collections/" + collection + "/lag");
            System.out.printf("%7s  %-24s %12s %12s %10s %10s  %s%n", "CHANNEL", "OWNER", "COMMITTED", "END", "LAG", "SECONDS", "STATUS");
            for (JsonNode channel : answer.path("channels")) {
                System.out.printf("%7d  %-24s %12d %12d %10d %10.1f  %s%n", channel.path("channel").asInt(),
                        channel.path("owner").isNull() ? "-" : channel.path("owner").asText(), channel.path("committed").asLong(),
                        channel.path("end").asLong(), channel.path("lag").asLong(), channel.path("lagSeconds").asDouble(),
                        channel.path("status").asText());
            }
            JsonNode compaction = answer.path("compaction");
            JsonNode reclaim = answer.path("reclaim");
            System.out.printf("compaction: %d queued (%d bytes to read), %d running (%d bytes)%n", compaction.path("queuedTasks").asInt(),
                    compaction.path("queuedBytes").asLong(), compaction.path("runningTasks").asInt(), compaction.path("runningBytes").asLong());
            System.out.printf("reclaim lag: %.1f s (deadline %.0f s)%n", reclaim.path("lagSeconds").asDouble(),
                    reclaim.path("deadlineSeconds").asDouble());
            System.out.printf("backpressure: %s%n", answer.path("backpressure").path("state").asText());
            answer.path("backpressure").path("channels").forEach(channel -> {
                if (!"OFF".equals(channel.path("state").asText())) {
                    System.out.printf("  channel %d %s: %s%n", channel.path("channel").asInt(), channel.path("state").asText(),
                            channel.path("cause").asText());
                }
            });
            answer.path("unavailable").forEach(instance -> System.out.printf("unavailable: %s: %s%n", instance.path("instance").asText(),
                    instance.path("error").asText()));
            if (watch) {
                try {
                    Thread.sleep(intervalMs);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                System.out.println();
            }
        } while (watch);
    }
}
