package io.segflow.config;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void withNothingGivenTheEmbeddedDefaultIsUsed() {
        SegflowConfig config = ConfigLoader.load(null, Map.of(), Map.of());

        assertThat(config.embedded()).isTrue();
        assertThat(config.getInt(SegflowConfig.EMBEDDED_KAFKA_PORT)).isEqualTo(9092);
        assertThat(config.getInt(SegflowConfig.EMBEDDED_S3_PORT)).isEqualTo(9000);
        assertThat(config.getInt(SegflowConfig.EMBEDDED_SCHEMA_REGISTRY_PORT)).isEqualTo(8081);
        assertThat(config.getInt(SegflowConfig.HTTP_PORT)).isEqualTo(8080);
        assertThat(config.getString(SegflowConfig.S3_ACCESS_KEY)).isEqualTo("segflow");
        assertThat(config.s3SecretKey()).isEqualTo("segflow-secret");
        assertThat(config.dataDir()).isEqualTo(Path.of("./segflow-data"));
    }

    @Test
    void flagsOverrideTheEnvironmentWhichOverridesTheFile() throws IOException {
        Path file = dir.resolve("segflow.properties");
        Files.writeString(file, "http.port=1001\ns3.bucket=from-file\ndata.dir=/from/file\n");

        SegflowConfig config = ConfigLoader.load(file,
                Map.of("SEGFLOW_HTTP_PORT", "1002", "SEGFLOW_S3_BUCKET", "from-env"),
                Map.of("http.port", "1003"));

        assertThat(config.getInt(SegflowConfig.HTTP_PORT)).isEqualTo(1003);
        assertThat(config.getString(SegflowConfig.S3_BUCKET)).isEqualTo("from-env");
        assertThat(config.getString(SegflowConfig.DATA_DIR)).isEqualTo("/from/file");
    }

    @Test
    void externalServicesComeFromTheFileAndKafkaSettingsPassThrough() throws IOException {
        Path file = dir.resolve("external.properties");
        Files.writeString(file, String.join("\n",
                "kafka.bootstrap.servers=broker:9092",
                "kafka.security.protocol=SASL_SSL",
                "schema.registry.url=http://registry:8081",
                "s3.endpoint=http://minio:9000"));

        SegflowConfig config = ConfigLoader.load(file, Map.of(), Map.of());

        assertThat(config.embedded()).isFalse();
        assertThat(config.kafkaClientOverrides()).containsExactly(Map.entry("security.protocol", "SASL_SSL"));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("SEGFLOW_HTTP_PORT", "70000"),
                Map.of("kafka.bootstrap.servers", "broker:9092", "no.such.setting", "x",
                        "schema.registry.compatibility", "SOMETIMES")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown setting 'no.such.setting'")
                .hasMessageContaining("http.port")
                .hasMessageContaining("SOMETIMES")
                .hasMessageContaining("missing: schema.registry.url, s3.endpoint");
    }

    @Test
    void anUnreadableFileIsNamed() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.properties"), Map.of(), Map.of()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("missing.properties");
    }

    @Test
    void environmentVariablesAreThePrefixedUpperCaseKey() {
        assertThat(ConfigLoader.envName("embedded.schema.registry.port")).isEqualTo("SEGFLOW_EMBEDDED_SCHEMA_REGISTRY_PORT");
    }

    @Test
    void theSecretIsMaskedInTheStartUpLog() {
        SegflowConfig config = ConfigLoader.load(null, Map.of(), Map.of("s3.secret.key", "s3cr3t"));

        assertThat(config.describe()).contains("s3.secret.key=[hidden]").doesNotContain("s3cr3t");
    }
}
