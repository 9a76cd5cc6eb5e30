package io.segflow.cli;

import io.segflow.config.ConfigReference;
import picocli.CommandLine.Command;

/** {@code segflow config-reference}: prints the settings table the README embeds. */
@Command(name = "config-reference", mixinStandardHelpOptions = true,
        description = "Print every setting with its environment variable, type, default and description, as Markdown.")
final class ConfigReferenceCommand implements Runnable {
    @Override
    public void run() {
        System.out.print(ConfigReference.markdown());
    }
}
