package io.segflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code segflow compact} and {@code segflow compaction}: manual compaction through the HTTP API. */
final class CompactCommands {
    private CompactCommands() {
    }

    @Command(name = "compact", mixinStandardHelpOptions = true,
            description = "Plan a compaction of a collection (POST /collections/C/compact); with --dry-run, print the plans without running them.")
    static final class Compact implements Runnable {
        @Mixin
        ApiOption api;

        @Parameters(index = "0", description = "Collection.")
        String collection;

        @Option(names = "--type", required = true,
                description = "L0_DELETE, MIX, SINGLE, SORT, CLUSTERING, SCHEMA_BUMP or FORCE_MERGE.")
        String type;

        @Option(names = "--partition", description = "Only this partition.")
        String partition;

        @Option(names = "--channel", description = "Only this channel.")
        Integer channel;

        @Option(names = "--segments", split = ",", description = "Only these segment ids.")
        List<Long> segments;

        @Option(names = "--target-size", description = "Output size in bytes (force merge; default: compaction.target.bytes).")
        Long targetSize;

        @Option(names = "--dry-run", description = "Print the plans, the bytes to read and write and the rows to drop; run nothing.")
        boolean dryRun;

        @Option(names = "--wait-ms", defaultValue = "0", description = "Wait this long for the compaction to finish (default: do not wait).")
        long waitMs;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("type", type);
            body.put("partition", partition);
            body.put("channel", channel);
            body.put("segments", segments);
            body.put("targetSize", targetSize);
            body.put("dryRun", dryRun);
            JsonNode answer = api.client().post("/collections/" + collection + "/compact", body);
            if (dryRun) {
                System.out.printf("dry run of %s on %s: %d plans, %d bytes to read, %d to write, %d rows to drop%n", type, collection,
                        answer.path("plans").size(), answer.path("bytesToRead").asLong(), answer.path("bytesToWrite").asLong(),
                        answer.path("rowsToDrop").asLong());
                answer.path("plans").forEach(plan -> System.out.printf("  channel %d %s %s -> %s (%s)%n", plan.path("channel").asInt(),
                        plan.path("type").asText(), plan.path("inputs"), plan.path("targetLevel").asText(), plan.path("reason").asText()));
                return;
            }
            String id = answer.path("compactionId").asText();
            System.out.printf("compaction %s of %s planned on channels %s%n", id, collection, answer.path("channels"));
            if (waitMs > 0) {
                Status.print(Status.await(api, collection, id, waitMs));
            }
        }
    }

    @Command(name = "compaction", mixinStandardHelpOptions = true,
            description = "Show a compaction's state, its task counts by state and its plans (GET /collections/C/compactions/ID).")
    static final class Status implements Runnable {
        @Mixin
        ApiOption api;

        @Parameters(index = "0", description = "Collection.")
        String collection;

        @Parameters(index = "1", description = "Compaction id, as printed by segflow compact.")
        String id;

        @Override
        public void run() {
            print(api.client().get("/collections/" + collection + "/compactions/" + id));
        }

        static JsonNode await(ApiOption api, String collection, String id, long waitMs) {
            long deadline = System.currentTimeMillis() + waitMs;
            while (true) {
                JsonNode status = api.client().get("/collections/" + collection + "/compactions/" + id);
                String state = status.path("state").asText();
                if (state.equals("COMPLETED") || state.equals("FAILED") || System.currentTimeMillis() > deadline) {
                    return status;
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return status;
                }
            }
        }

        static void print(JsonNode status) {
            System.out.printf("compaction %s: %s, tasks %s%n", status.path("compactionId").asText(), status.path("state").asText(),
                    status.path("tasks"));
            status.path("plans").forEach(plan -> System.out.printf("  channel %d %s %s: %s -> %s%s%n", plan.path("channel").asInt(),
                    plan.path("type").asText(), plan.path("state").asText(), plan.path("sources"), plan.path("targets"),
                    plan.path("error").isTextual() ? " (" + plan.path("error").asText() + ")" : ""));
        }
    }
}
