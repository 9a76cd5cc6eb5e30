package io.segflow.cli;

import io.segflow.http.HttpDefaults;
import io.segflow.schema.GeneratedTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code segflow}. */
@Command(name = "segflow", mixinStandardHelpOptions = true, versionProvider = SegflowCli.Version.class,
        description = "Milvus-style segment lifecycle and compaction on Kafka Streams.",
        subcommands = {RunCommand.class, CollectionCommand.class, ProduceCommand.class, FlushCommand.class, StatusCommand.class,
                ReadCommands.Count.class, ReadCommands.Get.class, ReadCommands.Search.class, CompactCommands.Compact.class,
                CompactCommands.Status.class, DlqCommands.class, VerifyCommand.class, BenchCommand.class,
                ConfigReferenceCommand.class, MetricsReferenceCommand.class, LagCommand.class, ImportCommands.Import.class,
                ImportCommands.Imports.class})
public final class SegflowCli implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(SegflowCli.class);

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, for {@code main} and tests. */
    public static CommandLine commandLine() {
        GeneratedTypes.trust();
        HttpDefaults.apply();
        return new CommandLine(new SegflowCli())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    log.debug("{} failed", cmd.getCommandName(), e);
                    cmd.getErr().println("segflow " + cmd.getCommandName() + ": " + e.getMessage());
                    return 1;
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The version in the jar's manifest, when there is one. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = SegflowCli.class.getPackage().getImplementationVersion();
            return new String[] {"segflow " + (version == null ? "(development build)" : version)};
        }
    }
}
