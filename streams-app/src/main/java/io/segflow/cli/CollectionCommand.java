package io.segflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.segflow.collection.CollectionDefinition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code segflow collection ...}: create, list, describe and evolve collections through the HTTP API. */
@Command(name = "collection", mixinStandardHelpOptions = true, description = "Create, list, describe and evolve collections.",
        subcommands = {CollectionCommand.Create.class, CollectionCommand.ListAll.class, CollectionCommand.Describe.class,
                CollectionCommand.AddPartition.class, CollectionCommand.AddField.class})
final class CollectionCommand {

    @Command(name = "create", mixinStandardHelpOptions = true, description = "Create a collection: its topics, DML schema and spec.")
    static final class Create implements Runnable {
        @Mixin
        ApiOption api;

        @Parameters(index = "0", description = "Collection name.")
        String name;

        @Option(names = "--dim", required = true, description = "Dimension of the float32 vector.")
        int dim;

        @Option(names = "--channels", description = "Channels (partitions of NAME.dml; default 1).")
        Integer channels;

        @Option(names = "--pk-type", description = "INT64 (default) or VARCHAR.")
        String pkType;

        @Option(names = "--field", paramLabel = "NAME:TYPE", description = "A scalar field; TYPE is BOOL, INT32, INT64, FLOAT, DOUBLE or VARCHAR. Repeatable.")
        List<String> fields = new ArrayList<>();

        @Option(names = "--partition", description = "A partition besides _default. Repeatable.")
        List<String> partitions = new ArrayList<>();

        @Option(names = "--clustering-key", description = "Scalar field to cluster L2 segments by.")
        String clusteringKey;

        @Option(names = "--ttl-ms", description = "Rows expire this long after their event time (default 0: never).")
        Long ttlMs;

        @Option(names = "--reclaim-deadline-ms",
                description = "A deleted or expired row's bytes are gone from object storage within this time (default: the instance's"
                        + " delete.reclaim.deadline.ms).")
        Long reclaimDeadlineMs;

        @Override
        public void run() {
            List<CollectionDefinition.FieldDefinition> definitions = fields.stream().map(CollectionCommand::field).toList();
            CollectionDefinition definition = new CollectionDefinition(name, pkType, dim, channels, definitions,
                    partitions.isEmpty() ? null : partitions, clusteringKey, ttlMs, reclaimDeadlineMs);
            print(api.client().post("/collections", definition));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List collections.")
    static final class ListAll implements Runnable {
        @Mixin
        ApiOption api;

        @Override
        public void run() {
            System.out.printf("%-24s %-8s %6s %8s  %s%n", "NAME", "PK", "DIM", "CHANNELS", "PARTITIONS");
            for (JsonNode collection : api.client().get("/collections")) {
                System.out.printf("%-24s %-8s %6d %8d  %s%n", collection.path("name").asText(), collection.path("pkType").asText(),
                        collection.path("dim").asInt(), collection.path("channels").asInt(), collection.path("partitions"));
            }
        }
    }

    @Command(name = "describe", mixinStandardHelpOptions = true, description = "Print a collection's spec as JSON.")
    static final class Describe implements Runnable {
        @Mixin
        ApiOption api;

        @Parameters(index = "0", description = "Collection name.")
        String name;

        @Override
        public void run() {
            print(api.client().get("/collections/" + name));
        }
    }

    @Command(name = "add-partition", mixinStandardHelpOptions = true, description = "Add a Milvus partition to a collection.")
    static final class AddPartition implements Runnable {
        @Mixin
        ApiOption api;

        @Parameters(index = "0", description = "Collection name.")
        String name;

        @Parameters(index = "1", description = "Partition name.")
        String partition;

        @Override
        public void run() {
            print(api.client().post("/collections/" + name + "/partitions", Map.of("name", partition)));
        }
    }

    @Command(name = "add-field", mixinStandardHelpOptions = true,
            description = "Add a nullable scalar field: a BACKWARD-compatible new version of the DML schema.")
    static final class AddField implements Runnable {
        @Mixin
        ApiOption api;

        @Parameters(index = "0", description = "Collection name.")
        String name;

        @Parameters(index = "1", paramLabel = "NAME:TYPE", description = "The field, e.g. color:VARCHAR.")
        String field;

        @Override
        public void run() {
            print(api.client().post("/collections/" + name + "/fields", field(field)));
        }
    }

    static CollectionDefinition.FieldDefinition field(String nameAndType) {
        int colon = nameAndType.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("a field is NAME:TYPE, not '" + nameAndType + "'");
        }
        return new CollectionDefinition.FieldDefinition(nameAndType.substring(0, colon), nameAndType.substring(colon + 1));
    }

    private static void print(JsonNode json) {
        System.out.println(json.toPrettyString());
    }
}
