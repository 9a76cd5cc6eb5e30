package io.segflow.deploy;

import io.segflow.testing.Tool;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.app.Endpoints;
import io.segflow.app.SegflowApp;
import io.segflow.collection.CollectionDefinition;
import io.segflow.embedded.FreePorts;
import io.segflow.produce.DmlProducer;
import io.segflow.produce.SyntheticWorkload;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.testing.TestRuntimes;
import io.segflow.verify.Oracle;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every query of the provisioned Grafana dashboards, evaluated by a real Prometheus (Debian's
 * binary, scraping every second) against a live embedded Segflow under load: DML with deletes
 * and upserts, records that go to the dead-letter topic, segments sealed, flushed and compacted.
 * A panel that shows "no data" because a metric was renamed, or a query Prometheus refuses,
 * fails here.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class DashboardQueriesIT {
    private static final String COLLECTION = "dash";
    private static final Path DASHBOARDS = Tool.DOCKER.resolve("grafana").resolve("dashboards");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.+),\\s*(\\w+)\\)");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    private static SegflowApp app;
    private static Process prometheus;
    private static String prometheusUrl;
    private static String instance;
    private static Thread load;
    private static volatile boolean loading = true;

    @BeforeAll
    static void start() throws Exception {
        new Tool("prometheus", "prometheus").assumeInstalled();
        Map<String, String> settings = TestRuntimes.settings(dir.resolve("segflow"));
        settings.putAll(Oracle.AGGRESSIVE_SETTINGS);
        app = TestRuntimes.start(settings);
        Endpoints endpoints = app.endpoints();
        CollectionSpec spec = app.collections().create(new CollectionDefinition(COLLECTION, null, 8, 2, List.of(), null, null, null));
        load = new Thread(() -> produce(spec, endpoints), "dashboard-load");
        load.start();

        instance = URI.create(endpoints.http()).getAuthority();
        int port = FreePorts.next();
        prometheusUrl = "http://127.0.0.1:" + port;
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: segflow
                    static_configs:
                      - targets: ["%s"]
                """.formatted(instance));
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port).redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
    }

    @AfterAll
    static void stop() throws Exception {
        loading = false;
        if (load != null) {
            load.join();
        }
        if (prometheus != null) {
            prometheus.destroy();
            prometheus.waitFor(30, TimeUnit.SECONDS);
        }
        if (app != null) {
            app.close();
        }
    }

    /** Deletes, upserts and inserts, and now and then a record that is not in the wire format (dead-lettered), until the tests end. */
    private static void produce(CollectionSpec spec, Endpoints endpoints) {
        SyntheticWorkload workload = new SyntheticWorkload(spec, 19, 0.2, 0.1, 0);
        Map<String, Object> client = Map.of("bootstrap.servers", endpoints.kafka());
        try (DmlProducer producer = new DmlProducer(spec, client, new RestSchemaRegistryClient(endpoints.schemaRegistry()));
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(client, new ByteArraySerializer(), new ByteArraySerializer())) {
            while (loading) {
                for (int i = 0; i < 200; i++) {
                    producer.send(workload.next());
                }
                raw.send(new ProducerRecord<>(COLLECTION + ".dml", new byte[8], "not Avro".getBytes(StandardCharsets.UTF_8)));
                producer.flush();
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void everyPanelQueryReturnsData() throws Exception {
        Map<String, String> queries = panelQueries();
        assertThat(queries).hasSizeGreaterThan(30);
        // Until every series has been scraped: counters appear with their first event, Streams' RocksDB
        // meters at Micrometer's next look at Kafka's metrics (once a minute), rates after two samples.
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            Map<String, String> empty = new TreeMap<>();
            for (Map.Entry<String, String> query : queries.entrySet()) {
                if (query(query.getValue()).isEmpty()) {
                    empty.put(query.getKey(), query.getValue());
                }
            }
            assertThat(empty).as("panels whose query returns no data").isEmpty();
        });
    }

    @Test
    void everyDashboardVariableListsWhatTheLoadMade() throws Exception {
        Map<String, List<String>> values = new TreeMap<>();
        for (JsonNode dashboard : dashboards()) {
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                Matcher matcher = LABEL_VALUES.matcher(variable.path("definition").asText());
                assertThat(matcher.matches()).as(variable.toString()).isTrue();
                String label = matcher.group(2);
                values.put(dashboard.path("uid").asText() + " $" + variable.path("name").asText(), List.of(label, matcher.group(1)));
            }
        }
        assertThat(values).hasSize(4);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            for (Map.Entry<String, List<String>> variable : values.entrySet()) {
                String label = variable.getValue().get(0);
                List<String> found = new ArrayList<>();
                query("count by (" + label + ") (" + substitute(variable.getValue().get(1)) + ")")
                        .forEach(series -> found.add(series.path("metric").path(label).asText()));
                assertThat(found).as(variable.getKey()).contains(switch (label) {
                    case "collection" -> COLLECTION;
                    case "channel" -> "0";
                    default -> instance;
                });
            }
        });
    }

    /** The check above can fail: a metric no one declares has no data. */
    @Test
    void aRenamedMetricHasNoData() throws Exception {
        await().atMost(Duration.ofMinutes(1)).until(() -> !query("segflow_ready").isEmpty());
        assertThat(query("segflow_ready_renamed{collection=\"" + COLLECTION + "\"}")).isEmpty();
    }

    /** Each panel's queries, by dashboard, panel title and ref id, with the dashboard variables replaced. */
    private static Map<String, String> panelQueries() throws IOException {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode dashboard : dashboards()) {
            for (JsonNode panel : dashboard.path("panels")) {
                for (JsonNode target : panel.path("targets")) {
                    queries.put(dashboard.path("uid").asText() + " / " + panel.path("title").asText() + " / " + target.path("refId").asText(),
                            substitute(target.path("expr").asText()));
                }
            }
        }
        return queries;
    }

    private static List<JsonNode> dashboards() throws IOException {
        List<JsonNode> dashboards = new ArrayList<>();
        try (var files = Files.list(DASHBOARDS)) {
            for (Path file : files.sorted().toList()) {
                dashboards.add(JSON.readTree(file.toFile()));
            }
        }
        assertThat(dashboards).hasSize(3);
        return dashboards;
    }

    /** What Grafana puts in a query: the variables' values here, and a rate window of several scrapes. */
    private static String substitute(String expr) {
        return expr.replace("$__rate_interval", "10s").replace("$collection", COLLECTION).replace("$channel", "0")
                .replace("$instance", instance);
    }

    /** The result of an instant query; a query Prometheus refuses fails the test with its error. */
    private static List<JsonNode> query(String promql) throws IOException, InterruptedException {
        URI uri = URI.create(prometheusUrl + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpResponse<String> response;
        try {
            response = HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException notUpYet) {
            return List.of();
        }
        JsonNode answer = JSON.readTree(response.body());
        assertThat(answer.path("status").asText()).as(promql + ": " + response.body()).isEqualTo("success");
        List<JsonNode> result = new ArrayList<>();
        answer.path("data").path("result").forEach(result::add);
        return result;
    }
}
