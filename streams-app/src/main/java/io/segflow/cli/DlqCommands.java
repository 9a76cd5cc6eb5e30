package io.segflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code segflow dlq}: the dead-letter topic of a collection. */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "The dead-letter topic C.dlq of a collection.",
        subcommands = DlqCommands.Replay.class)
final class DlqCommands implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "replay", mixinStandardHelpOptions = true,
            description = "Re-produce the dead letters a producer fix cannot send again (WRONG_CHANNEL: to the channel the key hashes to),"
                    + " leave the others, and print counts per reason (POST /collections/C/dlq/replay). A second run replays nothing twice.")
    static final class Replay implements Runnable {
        @Mixin
        ApiOption api;

        @Parameters(index = "0", description = "Collection.")
        String collection;

        @Option(names = "--reason", description = "Replay only records of this reason (default: every replayable one, i.e. WRONG_CHANNEL).")
        String reason;

        @Option(names = "--from-offset", description = "Skip the records of each C.dlq partition before this offset.")
        Long fromOffset;

        @Override
        public void run() {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("reason", reason);
            body.put("fromOffset", fromOffset);
            JsonNode report = api.client().post("/collections/" + collection + "/dlq/replay", body);
            System.out.printf("read %d dead letters of %s.dlq%n", report.path("read").asLong(), collection);
            report.path("replayed").fields().forEachRemaining(e -> System.out.printf("  replayed %-20s %d%n", e.getKey(), e.getValue().asLong()));
            report.path("left").fields().forEachRemaining(e -> System.out.printf("  left     %-20s %d%n", e.getKey(), e.getValue().asLong()));
        }
    }
}
