package io.segflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.Map;
import java.util.TreeMap;

/** {@code segflow status C}: segments by state and level, per channel. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show a collection's segments by state and level, per channel.")
final class StatusCommand implements Runnable {
    @Mixin
    ApiOption api;

    @Parameters(index = "0", description = "Collection.")
    String collection;

    private record Tally(long segments, long rows, long bytes) {
        static final Tally NONE = new Tally(0, 0, 0);

        Tally plus(JsonNode segment) {
            return new Tally(segments + 1, rows + segment.path("rows").asLong(), bytes + segment.path("bytes").asLong());
        }
    }

    @Override
    public void run() {
        Map<String, Tally> tallies = new TreeMap<>();
        for (JsonNode segment : api.client().get("/collections/" + collection + "/segments")) {
            String key = String.format("%7d  %-5s %-9s", segment.path("channel").asInt(), segment.path("level").asText(),
                    segment.path("state").asText());
            tallies.compute(key, (k, tally) -> (tally == null ? Tally.NONE : tally).plus(segment));
        }
        System.out.printf("%7s  %-5s %-9s %9s %12s %14s%n", "CHANNEL", "LEVEL", "STATE", "SEGMENTS", "ROWS", "BYTES");
        tallies.forEach((key, tally) -> System.out.printf("%s %9d %12d %14d%n", key, tally.segments(), tally.rows(), tally.bytes()));
    }
}
