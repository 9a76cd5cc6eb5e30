package io.segflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code segflow count|get|search}: the read path of a running instance. */
final class ReadCommands {
    private ReadCommands() {
    }

    @Command(name = "count", mixinStandardHelpOptions = true, description = "Live rows of a collection.")
    static final class Count implements Runnable {
        @Mixin
        ApiOption api;

        @Parameters(index = "0", description = "Collection.")
        String collection;

        @Override
        public void run() {
            System.out.println(api.client().get("/collections/" + collection + "/count").path("count").asLong());
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "The live rows of a primary key, as JSON.")
    static final class Get implements Runnable {
        @Mixin
        ApiOption api;

        @Parameters(index = "0", description = "Collection.")
        String collection;

        @Parameters(index = "1", description = "Primary key.")
        String pk;

        @Override
        public void run() {
            JsonNode rows = api.client().get("/collections/" + collection + "/rows/" + pk).path("rows");
            rows.forEach(row -> System.out.println(row.toString()));
        }
    }

    @Command(name = "search", mixinStandardHelpOptions = true, description = "Top-k rows nearest to a vector.")
    static final class Search implements Runnable {
        @Mixin
        ApiOption api;

        @Parameters(index = "0", description = "Collection.")
        String collection;

        @Option(names = "--vector", required = true, split = ",", description = "The query vector, comma-separated floats.")
        float[] vector;

        @Option(names = "--k", defaultValue = "10", description = "Hits (default ${DEFAULT-VALUE}).")
        int k;

        @Option(names = "--metric", defaultValue = "L2", description = "L2, IP or COSINE (default ${DEFAULT-VALUE}).")
        String metric;

        @Option(names = "--partition", description = "Only this partition.")
        String partition;

        @Override
        public void run() {
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("vector", vector);
            request.put("k", k);
            request.put("metric", metric);
            if (partition != null) {
                request.put("partition", partition);
            }
            JsonNode hits = api.client().post("/collections/" + collection + "/search", request).path("hits");
            System.out.printf("%-20s %-14s %-12s %s%n", "pk", "distance", "partition", "channel@position");
            hits.forEach(hit -> System.out.printf("%-20s %-14.6f %-12s %d@%d%n", hit.path("pk").asText(), hit.path("distance").asDouble(),
                    hit.path("partition").asText(), hit.path("channel").asInt(), hit.path("position").asLong()));
            if (hits.isEmpty()) {
                System.out.println("(no live rows" + (partition == null ? "" : " in " + partition) + ")");
            }
        }
    }
}
