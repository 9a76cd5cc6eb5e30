package io.segflow.app;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.segflow.cli.SegflowCli;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.schema.dml.DmlDecoder;
import io.segflow.schema.dml.DmlEvent;
import io.segflow.schema.dml.DmlRecords;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.schema.serde.AvroWireSerializer;
import io.segflow.schema.serde.RecordSource;
import io.segflow.schema.serde.SerdeConfig;
import io.segflow.testing.Http;
import io.segflow.testing.TestRuntimes;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The embedded default end to end: one runtime for the class, real broker, S3 server and registry. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedRuntimeIT {
    /** Debian's interpreter, where Debian's python3-confluent-kafka lives. */
    private static final String PYTHON = "/usr/bin/python3";
    @TempDir
    static Path dataDir;
    static SegflowApp app;
    static Endpoints endpoints;

    @BeforeAll
    static void start() throws Exception {
        app = TestRuntimes.start(TestRuntimes.settings(dataDir));
        endpoints = app.endpoints();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    @Test
    void everyEndpointAnswersAndHealthSaysSo() throws Exception {
        Http.Answer health = Http.get(endpoints.http() + "/health");

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().path("status").asText()).isEqualTo("UP");
        assertThat(health.body().path("components").path("kafka").asText()).isEqualTo("UP");
        assertThat(health.body().path("components").path("s3").asText()).isEqualTo("UP");
        assertThat(health.body().path("components").path("schemaRegistry").asText()).isEqualTo("UP");
        assertThat(endpoints.readyLine()).startsWith("segflow ready: kafka=127.0.0.1:")
                .contains("schema-registry=http://127.0.0.1:", "s3=http://127.0.0.1:", "http=http://127.0.0.1:");
    }

    @Test
    void theDemoCollectionIsCreatedWithItsTopicsAndSchema() throws Exception {
        Http.Answer demo = Http.get(endpoints.http() + "/collections/demo");

        assertThat(demo.status()).isEqualTo(200);
        assertThat(demo.body().path("dim").asInt()).isEqualTo(128);
        assertThat(demo.body().path("channels").asInt()).isEqualTo(4);
        assertThat(demo.body().path("pkType").asText()).isEqualTo("INT64");
        assertThat(demo.body().path("fields")).hasSize(1);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", endpoints.kafka()))) {
            assertThat(admin.listTopics().names().get()).contains("demo.dml", "demo.segments", "demo.dlq",
                    "demo.compaction-tasks", "demo.compaction-results");
            assertThat(admin.describeTopics(Set.of("demo.dml")).allTopicNames().get().get("demo.dml").partitions()).hasSize(4);
        }
        assertThat(new RestSchemaRegistryClient(endpoints.schemaRegistry()).latest("demo.dml-value").id())
                .isEqualTo(demo.body().path("dmlSchemaId").asInt());
    }

    @Test
    void recordsProducedWithAPlainKafkaProducerReadBackThroughTheDecoder() throws Exception {
        CollectionSpec spec = app.collections().create(new io.segflow.collection.CollectionDefinition("plain", null, 4, 3,
                List.of(new io.segflow.collection.CollectionDefinition.FieldDefinition("price", "DOUBLE")), null, null, null));
        DmlRecords rows = new DmlRecords(spec);
        Map<String, Object> producerConfig = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafka(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroWireSerializer.class.getName(),
                SerdeConfig.SCHEMA_REGISTRY_URL, endpoints.schemaRegistry());
        try (KafkaProducer<byte[], GenericRecord> producer = new KafkaProducer<>(producerConfig)) {
            for (long pk = 0; pk < 100; pk++) {
                producer.send(new ProducerRecord<>("plain.dml", PrimaryKeys.encode(pk),
                        rows.insert(pk, "_default", new float[] {pk, 1, 2, 3}, Map.of("price", pk * 0.5))));
            }
            producer.send(new ProducerRecord<>("plain.dml", PrimaryKeys.encode(7L), rows.delete(7L, "_default")));
        }

        List<DmlEvent> events = decodeAll(spec, readAll("plain.dml", 101));
        assertThat(events).filteredOn(e -> e.op() == DmlOp.INSERT).hasSize(100)
                .allSatisfy(e -> {
                    long pk = (Long) e.pk();
                    assertThat(e.vectorValues()).containsExactly(pk, 1, 2, 3);
                    assertThat(e.scalar("price")).isEqualTo(pk * 0.5);
                    // Channels follow Kafka's default murmur2 partitioner of the plain key.
                    assertThat(e.source().partition()).isEqualTo(Utils.toPositive(Utils.murmur2(PrimaryKeys.encode(pk))) % 3);
                });
        assertThat(events).filteredOn(e -> e.op() == DmlOp.DELETE).singleElement()
                .satisfies(e -> assertThat(e.pk()).isEqualTo(7L));
    }

    /**
     * Confluent's Python client (Debian's python3-confluent-kafka, installed by .ci/run) writes
     * rows our decoder reads, to the channels Java's partitioner picks. Skipped where it is absent.
     */
    @Test
    void confluentsPythonProducerWritesRowsWeRead() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder(PYTHON, "-c", "import confluent_kafka.avro").start().waitFor() == 0,
                "python3-confluent-kafka and python3-avro are not installed");
        CollectionSpec spec = app.collections().create(new io.segflow.collection.CollectionDefinition("from_python", null, 8, 4,
                List.of(new io.segflow.collection.CollectionDefinition.FieldDefinition("price", "DOUBLE")), null, null, null));
        Path script = Path.of(getClass().getResource("/interop/confluent_producer.py").toURI());
        Process python = new ProcessBuilder(PYTHON, script.toString(), endpoints.kafka(), endpoints.schemaRegistry(), "from_python",
                "200", "8").redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes());
        assertThat(python.waitFor()).as(output).isZero();

        List<DmlEvent> events = decodeAll(spec, readAll("from_python.dml", 201));

        assertThat(events).hasSize(201);
        assertThat(events).filteredOn(e -> e.op() == DmlOp.INSERT).hasSize(200).allSatisfy(e -> {
            long pk = (Long) e.pk();
            assertThat(e.vectorValues()[0]).isEqualTo(pk);
            assertThat(e.scalar("price")).isEqualTo(pk * 1.5);
            assertThat(e.source().partition()).isEqualTo(Utils.toPositive(Utils.murmur2(PrimaryKeys.encode(pk))) % 4);
        });
    }

    @Test
    void badSpecsAreRefusedWithTheReason() throws Exception {
        Http.Answer zeroDim = Http.post(endpoints.http() + "/collections", "{\"name\": \"flat\", \"dim\": 0}");
        Http.Answer unknownType = Http.post(endpoints.http() + "/collections",
                "{\"name\": \"odd\", \"dim\": 4, \"fields\": [{\"name\": \"f\", \"type\": \"JSONB\"}]}");
        Http.Answer duplicate = Http.post(endpoints.http() + "/collections",
                "{\"name\": \"twice\", \"dim\": 4, \"fields\": [{\"name\": \"f\", \"type\": \"BOOL\"}, {\"name\": \"f\", \"type\": \"INT64\"}]}");
        Http.Answer existing = Http.post(endpoints.http() + "/collections", "{\"name\": \"demo\", \"dim\": 4}");
        Http.Answer notJson = Http.post(endpoints.http() + "/collections", "{\"name\": ");
        Http.Answer unknownProperty = Http.post(endpoints.http() + "/collections", "{\"name\": \"x\", \"dimension\": 4}");

        assertThat(zeroDim.status()).isEqualTo(400);
        assertThat(zeroDim.body().path("error").asText()).contains("dim must be between 1");
        assertThat(unknownType.status()).isEqualTo(400);
        assertThat(unknownType.body().path("error").asText()).contains("unknown type 'JSONB'");
        assertThat(duplicate.status()).isEqualTo(400);
        assertThat(duplicate.body().path("error").asText()).contains("duplicate field 'f'");
        assertThat(existing.status()).isEqualTo(409);
        assertThat(existing.body().path("error").asText()).contains("already exists");
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(unknownProperty.status()).isEqualTo(400);
        assertThat(unknownProperty.body().path("error").asText()).contains("dimension");
        assertThat(Http.get(endpoints.http() + "/collections/flat").status()).isEqualTo(404);
    }

    @Test
    void partitionsAndFieldsCanBeAdded() throws Exception {
        assertThat(Http.post(endpoints.http() + "/collections", "{\"name\": \"grows\", \"dim\": 2, \"pkType\": \"VARCHAR\"}").status())
                .isEqualTo(201);

        Http.Answer partition = Http.post(endpoints.http() + "/collections/grows/partitions", "{\"name\": \"hot\"}");
        Http.Answer again = Http.post(endpoints.http() + "/collections/grows/partitions", "{\"name\": \"hot\"}");
        Http.Answer field = Http.post(endpoints.http() + "/collections/grows/fields", "{\"name\": \"color\", \"type\": \"VARCHAR\"}");
        Http.Answer reserved = Http.post(endpoints.http() + "/collections/grows/fields", "{\"name\": \"pk\", \"type\": \"INT64\"}");

        assertThat(partition.status()).isEqualTo(201);
        assertThat(partition.body().path("partitions").toString()).isEqualTo("[\"_default\",\"hot\"]");
        assertThat(again.status()).isEqualTo(409);
        assertThat(field.status()).isEqualTo(201);
        assertThat(field.body().path("schemaVersion").asInt()).isEqualTo(2);
        assertThat(reserved.status()).isEqualTo(400);
        assertThat(new RestSchemaRegistryClient(endpoints.schemaRegistry()).versions("grows.dml-value")).containsExactly(1, 2);
        assertThat(Http.get(endpoints.http() + "/collections").body().findValuesAsText("name")).contains("demo", "grows");
    }

    @Test
    void recordsWrittenBeforeAFieldWasAddedReadWithTheNewSpec() throws Exception {
        CollectionSpec v1 = app.collections().create(new io.segflow.collection.CollectionDefinition("evolves", null, 2, 1,
                null, null, null, null));
        RestSchemaRegistryClient registry = new RestSchemaRegistryClient(endpoints.schemaRegistry());
        byte[] writtenWithV1 = new AvroWireSerializer<GenericRecord>(registry, true)
                .serialize("evolves.dml", new DmlRecords(v1).insert(1L, "_default", new float[] {1, 2}, Map.of()));

        CollectionSpec v2 = app.collections().addField("evolves",
                new io.segflow.collection.CollectionDefinition.FieldDefinition("size", "INT32"));
        byte[] writtenWithV2 = new AvroWireSerializer<GenericRecord>(registry, true)
                .serialize("evolves.dml", new DmlRecords(v2).insert(2L, "_default", new float[] {3, 4}, Map.of("size", 9)));

        RecordSource source = new RecordSource("evolves.dml", 0, 0);
        DmlEvent old = new DmlDecoder(v2, registry).decode(source, PrimaryKeys.encode(1L), writtenWithV1);
        DmlEvent fresh = new DmlDecoder(v1, registry).decode(source, PrimaryKeys.encode(2L), writtenWithV2);
        assertThat(old.scalar("size")).isNull();
        assertThat(old.vectorValues()).containsExactly(1, 2);
        assertThat(fresh.pk()).isEqualTo(2L);
        assertThat(fresh.record().getSchema().getField("size")).isNull();
    }

    @Test
    void theCliCreatesACollectionAndProducesToIt() {
        String api = "--api=" + endpoints.http();
        int created = SegflowCli.commandLine().execute("collection", "create", "cli_made", "--dim", "16", "--channels", "2",
                "--field", "tag:VARCHAR", "--partition", "p1", api);
        int produced = SegflowCli.commandLine().execute("produce", "cli_made", "--rows", "2000", "--seed", "5", api,
                "--bootstrap-servers=" + endpoints.kafka(), "--schema-registry=" + endpoints.schemaRegistry());

        assertThat(created).isZero();
        assertThat(produced).isZero();
        assertThat(readAll("cli_made.dml", 2000)).hasSize(2000);
        assertThat(SegflowCli.commandLine().execute("collection", "describe", "no_such", api)).isEqualTo(1);
    }

    @Test
    void theBucketIsServedWithSignatureV4CredentialsOnly() throws Exception {
        MinioClient good = MinioClient.builder().endpoint(endpoints.s3()).credentials("segflow", "segflow-secret").build();
        MinioClient bad = MinioClient.builder().endpoint(endpoints.s3()).credentials("segflow", "wrong").build();
        try (good; bad) {
            assertThat(good.bucketExists(BucketExistsArgs.builder().bucket("segflow").build())).isTrue();
            assertThatThrownBy(() -> bad.bucketExists(BucketExistsArgs.builder().bucket("segflow").build()))
                    .isInstanceOf(ErrorResponseException.class);
        }
    }

    private static List<DmlEvent> decodeAll(CollectionSpec spec, List<ConsumerRecord<byte[], byte[]>> records) {
        DmlDecoder decoder = new DmlDecoder(spec, new RestSchemaRegistryClient(endpoints.schemaRegistry()));
        return records.stream()
                .map(r -> decoder.decode(new RecordSource(r.topic(), r.partition(), r.offset()), r.key(), r.value())).toList();
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, endpoints.kafka(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= expected;
            });
            // One more poll, so that a test sees records beyond those it expected.
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            return records;
        }
    }
}
