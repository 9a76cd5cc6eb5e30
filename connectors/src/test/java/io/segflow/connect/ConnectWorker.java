package io.segflow.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.awaitility.Awaitility.await;

/**
 * A standalone Connect worker in a JVM of its own: its classpath is Connect's and the
 * connectors' (Debezium, the file connector), never Segflow's; the plugin comes from
 * {@code plugin.path}, the directory the module's build assembles. Its offsets stay in
 * {@code dir}, so a worker started again on the same folder resumes where the last one stopped.
 */
final class ConnectWorker implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The worker's log at INFO: Logback's default, DEBUG, fills the log with the plugin scan. */
    private static final String LOGGING = "<configuration><appender name=\"out\" class=\"ch.qos.logback.core.ConsoleAppender\">"
            + "<encoder><pattern>%d{HH:mm:ss.SSS} %-5level [%thread] %logger{36} - %msg%n</pattern></encoder></appender>"
            + "<root level=\"INFO\"><appender-ref ref=\"out\"/></root></configuration>";

    private final ChildProcess process;
    private final String rest;

    private ConnectWorker(ChildProcess process, String rest) {
        this.process = process;
        this.rest = rest;
    }

    /** Starts a worker running {@code connector} and waits until the connector and its task run. */
    static ConnectWorker start(Path dir, String kafka, Map<String, String> connector) throws Exception {
        Files.createDirectories(dir);
        int port = ConnectPluginIT.freePort();
        Properties worker = new Properties();
        worker.putAll(Map.of("bootstrap.servers", kafka, "key.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "offset.storage.file.filename", dir.resolve("offsets").toString(), "offset.flush.interval.ms", "500",
                "plugin.path", Path.of(System.getProperty("segflow.connect.plugin")).toAbsolutePath().toString(),
                "listeners", "http://127.0.0.1:" + port));
        Path workerFile = write(dir.resolve("worker.properties"), worker);
        Properties connectorProps = new Properties();
        connectorProps.putAll(connector);
        Path connectorFile = write(dir.resolve("connector.properties"), connectorProps);
        String classpath = Files.readString(Path.of(System.getProperty("segflow.connect.worker.classpath"))).strip();
        Path logging = Files.writeString(dir.resolve("logback.xml"), LOGGING);
        int run = (int) Files.list(dir).filter(p -> p.getFileName().toString().startsWith("worker-")).count();
        ChildProcess process = ChildProcess.start(List.of(ConnectPluginIT.java(), "-Xmx512m", "-Dlogback.configurationFile=" + logging,
                "-cp", classpath,
                "org.apache.kafka.connect.cli.ConnectStandalone", workerFile.toString(), connectorFile.toString()),
                dir.resolve("worker-" + run + ".log"));
        ConnectWorker started = new ConnectWorker(process, "http://127.0.0.1:" + port);
        try {
            String name = connector.get("name");
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250)).ignoreExceptions().until(() -> {
                JsonNode status = started.get("/connectors/" + name + "/status");
                return status.path("connector").path("state").asText().equals("RUNNING")
                        && status.path("tasks").size() > 0 && status.path("tasks").get(0).path("state").asText().equals("RUNNING");
            });
        } catch (RuntimeException | Error e) {
            String tail = process.tail();
            started.close();
            throw new IllegalStateException("the Connect worker did not run " + connector.get("name") + ":\n" + tail, e);
        }
        return started;
    }

    private static Path write(Path file, Properties properties) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(out, null);
        }
        return file;
    }

    JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(rest + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(path + ": " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Kills the worker with no clean shutdown: offsets it had not flushed are replayed by the next one. */
    void kill() throws InterruptedException {
        process.kill();
    }

    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
