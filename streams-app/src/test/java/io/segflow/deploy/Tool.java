package io.segflow.deploy;

import org.junit.jupiter.api.Assumptions;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A third-party command-line tool the deployment checks run (docker-compose, promtool), from the repository's root. */
final class Tool {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path DOCKER = ROOT.resolve("docker");

    /** What a run printed (stdout and stderr together) and its exit code. */
    record Run(int exitCode, String output) {
    }

    private final String executable;
    private final String debianPackage;

    Tool(String executable, String debianPackage) {
        this.executable = executable;
        this.debianPackage = debianPackage;
    }

    /** Skips the test, saying which Debian package to install, when the tool is not on the PATH. */
    Tool assumeInstalled() {
        boolean found = Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)).filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, executable)).anyMatch(Files::isExecutable);
        Assumptions.assumeTrue(found, executable + " is not installed (Debian package " + debianPackage + "; .ci/run installs it)");
        return this;
    }

    Run run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(command + " did not end");
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
