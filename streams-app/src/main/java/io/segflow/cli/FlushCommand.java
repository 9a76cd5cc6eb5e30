package io.segflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.Map;

/** {@code segflow flush C}: seal and flush everything written so far, as Milvus's flush(). */
@Command(name = "flush", mixinStandardHelpOptions = true,
        description = "Seal every growing segment and the L0 buffer of a collection, and return once all of them are Flushed.")
final class FlushCommand implements Runnable {
    @Mixin
    ApiOption api;

    @Parameters(index = "0", description = "Collection.")
    String collection;

    @Option(names = "--timeout-ms", defaultValue = "60000", description = "Give up after this long (default ${DEFAULT-VALUE}).")
    long timeoutMs;

    @Override
    public void run() {
        JsonNode outcome = api.client().post("/collections/" + collection + "/flush?timeoutMs=" + timeoutMs, Map.of());
        System.out.printf("flushed %s: %d channels in %d ms (flush %s)%n", collection, outcome.path("channels").asInt(),
                outcome.path("waitedMs").asLong(), outcome.path("flushId").asText());
    }
}
