package io.segflow.connect;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A process of the end-to-end test (Segflow, PostgreSQL, a Connect worker) with its output in a
 * log file of its own, which the test waits on and which is left behind to read when it fails.
 */
final class ChildProcess implements AutoCloseable {
    private final Process process;
    private final Path log;

    private ChildProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static ChildProcess start(List<String> command, Path log) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        return new ChildProcess(process, log);
    }

    /** Runs {@code command} to its end; fails with its output if it does not exit 0. */
    static void run(List<String> command, Path log) throws Exception {
        try (ChildProcess child = start(command, log)) {
            if (!child.process.waitFor(2, TimeUnit.MINUTES) || child.process.exitValue() != 0) {
                throw new IllegalStateException(command + " failed:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
        }
    }

    /** Waits until the output holds a line containing {@code text}; fails if the process ends first. */
    ChildProcess awaitOutput(String text, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!Files.readString(log, StandardCharsets.UTF_8).contains(text)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(log.getFileName() + " exited with " + process.exitValue() + " before printing '" + text
                        + "':\n" + tail());
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(log.getFileName() + " did not print '" + text + "' within " + limit + ":\n" + tail());
            }
            Thread.sleep(100);
        }
        return this;
    }

    String tail() throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Kills the process with no clean shutdown, as a crash would. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
        }
    }
}
