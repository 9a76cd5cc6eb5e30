package io.segflow.app;

import io.segflow.collection.CollectionDefinition;
import io.segflow.config.SegflowConfig;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.testing.Http;
import io.segflow.testing.TestRuntimes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two embedded runtimes side by side in one JVM, and a restart on the same data directory. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class MultipleRuntimesIT {
    @TempDir
    Path first;
    @TempDir
    Path second;

    @Test
    void twoRuntimesRunSideBySideOnTheirOwnPortsAndData() throws Exception {
        try (SegflowApp a = TestRuntimes.start(TestRuntimes.settings(first));
             SegflowApp b = TestRuntimes.start(TestRuntimes.settings(second))) {
            a.collections().create(new CollectionDefinition("only_in_a", null, 8, 1, null, null, null, null));

            assertThat(a.endpoints().http()).isNotEqualTo(b.endpoints().http());
            assertThat(Http.get(a.endpoints().http() + "/health").status()).isEqualTo(200);
            assertThat(Http.get(b.endpoints().http() + "/health").status()).isEqualTo(200);
            assertThat(Http.get(a.endpoints().http() + "/collections/only_in_a").status()).isEqualTo(200);
            assertThat(Http.get(b.endpoints().http() + "/collections/only_in_a").status()).isEqualTo(404);
            assertThat(Http.get(b.endpoints().http() + "/collections/demo").status()).isEqualTo(200);
        }
    }

    @Test
    void anInstanceConfiguredWithExternalServicesStartsNothingAndSharesTheirCatalog() throws Exception {
        try (SegflowApp services = TestRuntimes.start(TestRuntimes.settings(first))) {
            Endpoints external = services.endpoints();
            Map<String, String> settings = TestRuntimes.settings(second);
            settings.put(SegflowConfig.KAFKA_BOOTSTRAP_SERVERS, external.kafka());
            settings.put(SegflowConfig.SCHEMA_REGISTRY_URL, external.schemaRegistry());
            settings.put(SegflowConfig.S3_ENDPOINT, external.s3());

            try (SegflowApp instance = TestRuntimes.start(settings)) {
                instance.collections().create(new CollectionDefinition("shared", null, 4, 2, null, null, null, null));

                assertThat(instance.endpoints()).isEqualTo(new Endpoints(external.kafka(), external.schemaRegistry(), external.s3(),
                        instance.endpoints().http()));
                assertThat(second.resolve("kafka")).as("no embedded broker").doesNotExist();
                assertThat(second.resolve("s3")).as("no embedded S3 server").doesNotExist();
                assertThat(Http.get(instance.endpoints().http() + "/health").status()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(Http.get(external.http() + "/collections/shared").status()).isEqualTo(200));
            }
        }
    }

    @Test
    void aRestartKeepsTopicsSchemasCollectionsAndObjects() throws Exception {
        Map<String, String> settings = TestRuntimes.settings(first);
        int schemaId;
        try (SegflowApp app = TestRuntimes.start(settings)) {
            schemaId = app.collections().create(new CollectionDefinition("kept", "VARCHAR", 8, 2, null, null, null, null)).getDmlSchemaId();
        }
        assertThat(Files.isDirectory(first.resolve("s3").resolve("segflow"))).as("bucket folder under the data dir").isTrue();

        try (SegflowApp app = TestRuntimes.start(settings)) {
            Http.Answer kept = Http.get(app.endpoints().http() + "/collections/kept");

            assertThat(kept.status()).isEqualTo(200);
            assertThat(kept.body().path("pkType").asText()).isEqualTo("VARCHAR");
            assertThat(new RestSchemaRegistryClient(app.endpoints().schemaRegistry()).latest("kept.dml-value").id()).isEqualTo(schemaId);
            assertThat(app.collections().list()).extracting(spec -> spec.getName()).containsExactly("demo", "kept");
        }
    }
}
