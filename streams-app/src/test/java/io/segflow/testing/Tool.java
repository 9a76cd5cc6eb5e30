package io.segflow.testing;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A third-party command-line tool a test runs (docker-compose, promtool, aws), from the repository's root: on the
 * PATH, or at an absolute path where another of the same name may come first on it.
 */
public final class Tool {
    public static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    public static final Path DOCKER = ROOT.resolve("docker");

    /** What a run printed (stdout and stderr together) and its exit code. */
    public record Run(int exitCode, String output) {
    }

    private final String executable;
    private final String debianPackage;
    private final Map<String, String> environment;

    public Tool(String executable, String debianPackage) {
        this(executable, debianPackage, Map.of());
    }

    /** @param environment variables set for the tool on top of this process's */
    public Tool(String executable, String debianPackage, Map<String, String> environment) {
        this.executable = executable;
        this.debianPackage = debianPackage;
        this.environment = environment;
    }

    /** Skips the test, saying which Debian package to install, when the tool is not installed. */
    public Tool assumeInstalled() {
        boolean found = Path.of(executable).isAbsolute() ? Files.isExecutable(Path.of(executable))
                : Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, executable)).anyMatch(Files::isExecutable);
        Assumptions.assumeTrue(found, executable + " is not installed (Debian package " + debianPackage + "; .ci/run installs it)");
        return this;
    }

    public Run run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not end");
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
