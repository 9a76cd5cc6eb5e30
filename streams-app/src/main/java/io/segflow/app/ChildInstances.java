package io.segflow.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code segflow run} from the packaged jar in child JVMs, for tests and benchmarks that halt an
 * instance with no clean shutdown. Closing kills whatever is still running.
 */
public final class ChildInstances implements AutoCloseable {
    private final Path jar;
    private final List<Process> started = new ArrayList<>();

    /** Instances of the jar the tests build. */
    public ChildInstances() {
        this(Path.of("target", "segflow.jar"));
    }

    public ChildInstances(Path jar) {
        this.jar = jar;
    }

    /** Instances of the jar this JVM runs from. */
    public static ChildInstances ofThisJar() throws Exception {
        return new ChildInstances(Path.of(ChildInstances.class.getProtectionDomain().getCodeSource().getLocation().toURI()));
    }

    /** Starts an instance with {@code settings} and extra JVM options, and waits for its ready line. */
    public synchronized Process start(Map<String, String> settings, String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-jar", jar.toString(), "run"));
        settings.forEach((key, value) -> command.add("--set=" + key + "=" + value));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(process);
        CompletableFuture<Boolean> ready = new CompletableFuture<>();
        // Reads the child's output to the end, so a chatty child never blocks on a full pipe.
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("segflow ready:")) {
                        ready.complete(true);
                    }
                }
            } catch (IOException e) {
                ready.completeExceptionally(e);
            }
            ready.complete(false);
        }, "child-output");
        reader.setDaemon(true);
        reader.start();
        if (!ready.get(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the child instance exited before it was ready: status " + process.waitFor());
        }
        return process;
    }

    @Override
    public synchronized void close() throws InterruptedException {
        for (Process process : started) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        started.clear();
    }
}
