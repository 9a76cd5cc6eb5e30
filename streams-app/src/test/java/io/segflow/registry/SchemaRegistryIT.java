package io.segflow.registry;

import io.segflow.embedded.EmbeddedKafka;
import io.segflow.kafka.Topics;
import io.segflow.schema.registry.CompatibilityLevel;
import io.segflow.schema.registry.RegisteredSchema;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.schema.registry.SchemaRegistryException;
import io.segflow.schema.serde.AvroWireDeserializer;
import io.segflow.schema.serde.UnknownSchemaIdException;
import io.segflow.embedded.FreePorts;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded Schema Registry against the REST client, on a real KRaft broker shared by the class. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SchemaRegistryIT {
    @TempDir
    static Path dataDir;
    static EmbeddedKafka kafka;
    static Topics topics;

    private String topic;
    private SchemaRegistryService service;
    private SchemaRegistryServer server;
    private RestSchemaRegistryClient client;

    private static final Schema V1 = SchemaBuilder.record("order").namespace("test").fields().requiredLong("id").endRecord();
    private static final Schema V2 = SchemaBuilder.record("order").namespace("test").fields()
            .requiredLong("id").optionalString("note").endRecord();
    private static final Schema V2_BREAKING = SchemaBuilder.record("order").namespace("test").fields()
            .requiredLong("id").requiredString("customer").endRecord();

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), "127.0.0.1", FreePorts.next(), FreePorts.next());
        topics = new Topics(kafka.bootstrapServers(), Map.of(), (short) 1);
    }

    @AfterAll
    static void stopKafka() {
        topics.close();
        kafka.close();
    }

    @BeforeEach
    void startRegistry() throws Exception {
        topic = "_schemas-" + UUID.randomUUID();
        startOn(topic);
    }

    @AfterEach
    void stopRegistry() {
        server.close();
        service.close();
    }

    private void startOn(String schemasTopic) throws Exception {
        service = SchemaRegistryService.open(topics, schemasTopic, CompatibilityLevel.BACKWARD);
        server = SchemaRegistryServer.start(service, "127.0.0.1", 0);
        client = new RestSchemaRegistryClient("http://127.0.0.1:" + server.port());
    }

    @Test
    void registeringTheSameSchemaAgainReturnsTheSameId() {
        int id = client.register("orders-value", V1);

        assertThat(new RestSchemaRegistryClient(client.baseUrl()).register("orders-value", V1)).isEqualTo(id);
        assertThat(client.versions("orders-value")).containsExactly(1);
    }

    @Test
    void schemasAreFoundByIdAndLatestVersion() {
        int id1 = client.register("orders-value", V1);
        int id2 = client.register("orders-value", V2);

        assertThat(id2).isNotEqualTo(id1);
        assertThat(new RestSchemaRegistryClient(client.baseUrl()).schemaById(id1)).isEqualTo(V1);
        RegisteredSchema latest = client.latest("orders-value");
        assertThat(latest).isEqualTo(new RegisteredSchema("orders-value", 2, id2, V2));
        assertThat(client.version("orders-value", 1).schema()).isEqualTo(V1);
        assertThat(client.lookup("orders-value", V1)).get().extracting(RegisteredSchema::version).isEqualTo(1);
        assertThat(client.lookup("orders-value", V2_BREAKING)).isEmpty();
        assertThat(client.subjects()).containsExactly("orders-value");
    }

    @Test
    void theSameSchemaUnderAnotherSubjectKeepsItsId() {
        int id = client.register("orders-value", V1);

        assertThat(client.register("archive-value", V1)).isEqualTo(id);
    }

    @Test
    void anIncompatibleSchemaIsRejectedWith409() {
        client.register("orders-value", V1);

        assertThat(client.isCompatible("orders-value", V2_BREAKING)).isFalse();
        assertThat(client.isCompatible("orders-value", V2)).isTrue();
        assertThatThrownBy(() -> client.register("orders-value", V2_BREAKING))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
                    assertThat(e.status()).isEqualTo(409);
                    assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INCOMPATIBLE_SCHEMA);
                })
                .hasMessageContaining("customer");
        assertThat(client.versions("orders-value")).containsExactly(1);
    }

    @Test
    void aSubjectLevelOfNoneAcceptsWhatBackwardRejects() {
        client.register("orders-value", V1);
        client.setCompatibility("orders-value", CompatibilityLevel.NONE);

        assertThat(client.compatibility("orders-value")).isEqualTo(CompatibilityLevel.NONE);
        assertThat(client.compatibility("other-value")).isEqualTo(CompatibilityLevel.BACKWARD);
        assertThat(client.register("orders-value", V2_BREAKING)).isPositive();
    }

    @Test
    void unknownIdsSubjectsAndInvalidSchemasGetTheRegistrysErrorCodes() throws Exception {
        assertThatThrownBy(() -> client.schemaById(999))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40403));
        assertThatThrownBy(() -> client.latest("nobody-value"))
                .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.errorCode()).isEqualTo(40401));
        HttpResponse<String> invalid = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(client.baseUrl() + "/subjects/x-value/versions"))
                .header("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString("{\"schema\": \"{\\\"type\\\": \\\"recrod\\\"}\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(invalid.statusCode()).isEqualTo(422);
        assertThat(invalid.body()).contains("\"error_code\":42201");
    }

    @Test
    void theDeserializerReportsAnUnregisteredIdAsTypedBadInput() {
        AvroWireDeserializer<?> deserializer = AvroWireDeserializer.generic(client, null);

        assertThatThrownBy(() -> deserializer.deserialize("orders", new byte[] {0, 0, 0, 1, 0, 2}))
                .isInstanceOf(UnknownSchemaIdException.class).hasMessageContaining("schema id 256");
    }

    @Test
    void schemasAndLevelsSurviveARestart() throws Exception {
        int id1 = client.register("orders-value", V1);
        int id2 = client.register("orders-value", V2);
        client.setCompatibility("orders-value", CompatibilityLevel.FULL);
        stopRegistry();

        startOn(topic);

        RestSchemaRegistryClient fresh = new RestSchemaRegistryClient(client.baseUrl());
        assertThat(fresh.schemaById(id1)).isEqualTo(V1);
        assertThat(fresh.latest("orders-value").id()).isEqualTo(id2);
        assertThat(fresh.compatibility("orders-value")).isEqualTo(CompatibilityLevel.FULL);
        assertThat(fresh.register("orders-value", V1)).isEqualTo(id1);
        assertThat(fresh.register("payments-value", V2_BREAKING)).isGreaterThan(id2);
    }
}
