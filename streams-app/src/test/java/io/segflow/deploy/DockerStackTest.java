package io.segflow.deploy;

import io.segflow.testing.Tool;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.segflow.config.ConfigLoader;
import io.segflow.config.SegflowConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The files of {@code docker/}, checked without a Docker engine: the compose file by Debian's
 * docker-compose, the Prometheus files by promtool, and what ties them to the code (settings,
 * the README's commands) by reading them.
 */
class DockerStackTest {
    private static final Path COMPOSE = Tool.DOCKER.resolve("compose.yaml");
    private static final Path ENV_EXAMPLE = Tool.DOCKER.resolve(".env.example");
    private static final Path DOCKERFILE = Tool.DOCKER.resolve("Dockerfile");
    private static final Path CONNECT_DOCKERFILE = Tool.DOCKER.resolve("connect.Dockerfile");
    private static final Path PROMETHEUS = Tool.DOCKER.resolve("prometheus");
    private static final Pattern SEGFLOW_VARIABLE = Pattern.compile("\\bSEGFLOW_[A-Z0-9_]+\\b");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Tool compose = new Tool("docker-compose", "docker-compose");
    private final Tool promtool = new Tool("promtool", "prometheus");

    @Test
    void composeFileIsValidWithAndWithoutTheCdcProfile() throws Exception {
        compose.assumeInstalled();
        assertThat(compose("config", "-q")).isEmpty();
        assertThat(compose("--profile", "cdc", "config", "-q")).isEmpty();

        assertThat(Set.of(compose("--profile", "cdc", "config", "--services").split("\\s+"))).contains("kafka", "schema-registry",
                "minio", "minio-bucket", "connect", "segflow-1", "segflow-2", "segflow-3", "prometheus", "grafana", "kminion", "postgres",
                "cdc-register");
        // Only the CDC services are in a profile, and nothing outside it needs them.
        JsonNode services = YAML.readTree(COMPOSE.toFile()).path("services");
        Set<String> cdc = new TreeSet<>();
        services.fields().forEachRemaining(service -> {
            if (service.getValue().has("profiles")) {
                assertThat(service.getValue().path("profiles").toString()).as(service.getKey()).isEqualTo("[\"cdc\"]");
                cdc.add(service.getKey());
            }
        });
        assertThat(cdc).containsExactly("cdc-register", "postgres");
        services.fields().forEachRemaining(service -> {
            if (!cdc.contains(service.getKey())) {
                service.getValue().path("depends_on").fieldNames().forEachRemaining(needed ->
                        assertThat(cdc).as(service.getKey() + " depends on " + needed).doesNotContain(needed));
            }
        });
    }

    @Test
    void composeFileHoldsNoSecretAndRefusesToStartWithoutThem() throws Exception {
        compose.assumeInstalled();
        Path empty = Files.createTempFile("segflow-empty", ".env");
        try {
            Tool.Run run = compose.run("--env-file", empty.toString(), "-f", COMPOSE.toString(), "config", "-q");
            assertThat(run.exitCode()).as(run.output()).isNotZero();
            assertThat(run.output()).contains("in docker/.env");
        } finally {
            Files.delete(empty);
        }
        String text = Files.readString(COMPOSE);
        for (String line : Files.readAllLines(ENV_EXAMPLE)) {
            if (line.contains("=") && !line.startsWith("#") && line.toUpperCase().contains("PASSWORD")) {
                assertThat(text).as("the compose file repeats a secret of .env.example").doesNotContain(line.substring(line.indexOf('=') + 1));
            }
        }
    }

    @Test
    void everySegflowVariableIsADeclaredSetting() throws IOException {
        Set<String> declared = SegflowConfig.DEFINITION.names().stream().map(ConfigLoader::envName).collect(Collectors.toSet());
        Set<String> used = new TreeSet<>();
        for (Path file : List.of(COMPOSE, DOCKERFILE, ENV_EXAMPLE)) {
            Matcher matcher = SEGFLOW_VARIABLE.matcher(Files.readString(file));
            while (matcher.find()) {
                used.add(matcher.group());
            }
        }
        assertThat(used).contains("SEGFLOW_KAFKA_BOOTSTRAP_SERVERS", "SEGFLOW_HTTP_ADVERTISED_HOST", "SEGFLOW_ROLE", "SEGFLOW_DATA_DIR");
        assertThat(used).as("SEGFLOW_* variables that are no setting (ConfigLoader ignores them)").isSubsetOf(declared);
    }

    @Test
    void everyImageIsPinnedToATag() throws IOException {
        // From the text, so that images set through YAML anchors count too.
        List<String> images = new ArrayList<>();
        Matcher declared = Pattern.compile("(?m)^\\s*image:\\s*(\\S+)\\s*$").matcher(Files.readString(COMPOSE));
        while (declared.find()) {
            images.add(declared.group(1));
        }
        for (Path dockerfile : List.of(DOCKERFILE, CONNECT_DOCKERFILE)) {
            for (String line : Files.readAllLines(dockerfile)) {
                if (line.startsWith("FROM ")) {
                    images.add(line.split("\\s+")[1]);
                }
            }
        }
        assertThat(images).hasSizeGreaterThan(10);
        for (String image : images) {
            String name = image.substring(image.lastIndexOf('/') + 1);
            assertThat(name).as(image).contains(":");
            String tag = name.substring(name.indexOf(':') + 1);
            assertThat(tag).as(image).isNotBlank().isNotEqualToIgnoringCase("latest").doesNotContain("$");
        }
    }

    @Test
    void kafkaImageIsTheVersionWeBuildAgainst() throws IOException {
        String kafkaVersion = org.apache.kafka.common.utils.AppInfoParser.getVersion();
        JsonNode services = YAML.readTree(COMPOSE.toFile()).path("services");
        assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:" + kafkaVersion);
        assertThat(Files.readAllLines(CONNECT_DOCKERFILE)).contains("FROM apache/kafka:" + kafkaVersion);
    }

    /** The image builds with the README's build command and runs its run command, on the jar that command builds. */
    @Test
    void dockerfileRunsTheReadmeCommands() throws IOException {
        String commands = Files.readAllLines(Tool.ROOT.resolve("README.md")).stream()
                .filter(line -> line.startsWith("mvn ") && line.contains(" && java -jar ")).findFirst().orElseThrow();
        String build = commands.substring(0, commands.indexOf(" && "));
        List<String> run = List.of(commands.substring(commands.indexOf(" && ") + 4).split(" "));
        String jar = run.get(run.indexOf("-jar") + 1);

        List<String> lines = Files.readAllLines(DOCKERFILE);
        assertThat(lines).as("the build stage's command").contains("RUN " + build);
        String copy = lines.stream().filter(line -> line.startsWith("COPY --from=build ")).findFirst().orElseThrow();
        String[] copied = copy.split("\\s+");
        assertThat(copied[2]).as("the jar the image copies").isEqualTo("/src/" + jar);

        List<String> started = new ArrayList<>(exec(lines, "ENTRYPOINT"));
        started.addAll(exec(lines, "CMD"));
        List<String> expected = new ArrayList<>(run);
        expected.set(run.indexOf("-jar") + 1, copied[3]);
        assertThat(started).as("ENTRYPOINT and CMD").isEqualTo(expected);
    }

    @Test
    void prometheusConfigAndRulesAreValid() throws Exception {
        promtool.assumeInstalled();
        Tool.Run config = promtool.run("check", "config", PROMETHEUS.resolve("prometheus.yml").toString());
        assertThat(config.exitCode()).as(config.output()).isZero();
        Tool.Run rules = promtool.run("check", "rules", PROMETHEUS.resolve("alerts.yml").toString());
        assertThat(rules.exitCode()).as(rules.output()).isZero();
    }

    @Test
    void alertUnitTestsPass() throws Exception {
        promtool.assumeInstalled();
        Tool.Run tests = promtool.run("test", "rules", PROMETHEUS.resolve("alerts-test.yml").toString());
        assertThat(tests.exitCode()).as(tests.output()).isZero();
        assertThat(tests.output()).contains("SUCCESS");
    }

    /** Each alert has a test case where it fires and one where it must stay silent. */
    @Test
    void everyAlertIsTestedFiringAndSilent() throws IOException {
        Set<String> alerts = new LinkedHashSet<>();
        for (JsonNode group : YAML.readTree(PROMETHEUS.resolve("alerts.yml").toFile()).path("groups")) {
            group.path("rules").forEach(rule -> alerts.add(rule.path("alert").asText()));
        }
        Set<String> fires = new TreeSet<>();
        Set<String> silent = new TreeSet<>();
        for (JsonNode test : YAML.readTree(PROMETHEUS.resolve("alerts-test.yml").toFile()).path("tests")) {
            for (JsonNode check : test.path("alert_rule_test")) {
                (check.path("exp_alerts").isEmpty() ? silent : fires).add(check.path("alertname").asText());
            }
        }
        assertThat(alerts).hasSize(6);
        assertThat(fires).as("alerts tested firing").containsAll(alerts);
        assertThat(silent).as("alerts tested silent").containsAll(alerts);
    }

    private String compose(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("--env-file", ENV_EXAMPLE.toString(), "-f", COMPOSE.toString()));
        command.addAll(List.of(args));
        Tool.Run run = compose.run(command.toArray(String[]::new));
        assertThat(run.exitCode()).as("docker-compose " + String.join(" ", args) + ": " + run.output()).isZero();
        return run.output().strip();
    }

    /** The exec form of a Dockerfile instruction: {@code ENTRYPOINT ["java", "-jar", ...]}. */
    private static List<String> exec(List<String> lines, String instruction) throws IOException {
        String line = lines.stream().filter(l -> l.startsWith(instruction + " ")).reduce((first, last) -> last).orElseThrow();
        List<String> words = new ArrayList<>();
        YAML.readTree(line.substring(instruction.length() + 1)).forEach(word -> words.add(word.asText()));
        return words;
    }
}
