package io.segflow.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.segflow.cli.SegflowCli;
import io.segflow.produce.DmlProducer;
import io.segflow.produce.SyntheticWorkload;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.schema.PkType;
import io.segflow.schema.dml.DmlDecoder;
import io.segflow.schema.dml.DmlEvent;
import io.segflow.schema.dml.DmlRecords;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.schema.serde.AvroWireSerializer;
import io.segflow.schema.serde.DeadLetterHeaders;
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
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.tools.consumer.group.ConsumerGroupCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

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
    void readyOnceTheDemoPipelineRunsAndMetricsCarryStreamsJvmAndClientMeters() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> Http.get(endpoints.http() + "/ready").status() == 200);
        Http.Answer ready = Http.get(endpoints.http() + "/ready");
        assertThat(ready.body().path("ready").asBoolean()).isTrue();
        assertThat(ready.body().path("collections").path("demo").path("state").asText()).isEqualTo("RUNNING");
        assertThat(Http.get(endpoints.http() + "/health").body().path("collections").path("demo").path("ready").asBoolean()).isTrue();

        assertThat(Http.samples(endpoints.http(), "kafka_stream_thread_process_rate", "collection=demo"))
                .as("Kafka Streams' own meters, tagged with the collection").isNotEmpty();
        assertThat(Http.samples(endpoints.http(), "jvm_memory_used_bytes")).isNotEmpty();
        assertThat(Http.samples(endpoints.http(), "process_cpu_usage")).isNotEmpty();
        // A thread's producer that Streams recreates (after a fenced or failed transaction) shows again at the binder's next
        // refresh, once a minute.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(Http.samples(endpoints.http(), "kafka_producer_record_send_total", "collection=demo"))
                        .as("the pipeline's producers, through Streams' meters").isNotEmpty());
        assertThat(Http.samples(endpoints.http(), "kafka_admin_client_request_total", "client=admin")).isNotEmpty();
    }

    @Test
    void lagFallsToZeroWithEveryChannelOkAndOwnedOnceTheRowsAreIn() throws Exception {
        CollectionSpec spec = app.collections().create(new io.segflow.collection.CollectionDefinition("lagged", null, 4, 3,
                List.of(), null, null, null));
        SyntheticWorkload workload = new SyntheticWorkload(spec, 3, 0.1, 0.1, 0);
        try (DmlProducer producer = new DmlProducer(spec, Map.of("bootstrap.servers", endpoints.kafka()),
                new RestSchemaRegistryClient(endpoints.schemaRegistry()))) {
            for (int i = 0; i < 3000; i++) {
                producer.send(workload.next());
            }
            producer.flush();
        }
        String api = endpoints.http() + "/collections/lagged";
        assertThat(Http.post(api + "/flush", "{}").status()).isEqualTo(200);
        String self = endpoints.http().substring("http://".length());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode channels = Http.get(api + "/lag").body().path("channels");
            assertThat(channels).hasSize(3).allSatisfy(channel -> {
                assertThat(channel.path("lag").asLong()).isZero();
                assertThat(channel.path("lagSeconds").asDouble()).isZero();
                assertThat(channel.path("status").asText()).isEqualTo("OK");
                assertThat(channel.path("owner").asText()).isEqualTo(self);
                assertThat(channel.path("committed").asLong()).isEqualTo(channel.path("end").asLong()).isPositive();
            });
        });
        Map<Integer, Long> committed = new HashMap<>();
        Http.get(api + "/lag").body().path("channels").forEach(c -> committed.put(c.path("channel").asInt(), c.path("committed").asLong()));
        assertThat(consumerGroupOffsets("segflow-lagged", "lagged.dml")).as("kafka-consumer-groups --describe agrees").isEqualTo(committed);
        assertThat(Http.samples(endpoints.http(), "segflow_dml_lag_records", "collection=lagged")).hasSize(3);
        assertThat(Http.samples(endpoints.http(), "segflow_compaction_backlog_tasks", "collection=lagged")).hasSize(3);
        assertThat(Http.samples(endpoints.http(), "segflow_compaction_backlog_bytes", "collection=lagged")).hasSize(3);
        // A tenth of the events were deletes: their L0 segments are flushed, and their bytes wait for compaction.
        await().atMost(Duration.ofSeconds(30)).until(() -> Http.metric(endpoints.http(), "segflow_reclaim_lag_seconds", "collection=lagged") > 0);
        double deadline = Http.metric(endpoints.http(), "segflow_reclaim_deadline_seconds", "collection=lagged", "channel=0");
        assertThat(deadline).isEqualTo(600);
        for (String line : Http.samples(endpoints.http(), "segflow_reclaim_lag_seconds", "collection=lagged")) {
            assertThat(Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).as(line).isLessThan(deadline);
        }
        JsonNode answer = Http.get(api + "/lag").body();
        assertThat(answer.path("reclaim").path("deadlineSeconds").asDouble()).isEqualTo(deadline);
        assertThat(answer.path("reclaim").path("channels")).hasSize(3);
        assertThat(answer.path("reclaim").path("lagSeconds").asDouble()).as("the deletes' bytes wait for compaction").isPositive()
                .isLessThan(deadline);
        assertThat(answer.path("compaction").path("channels")).hasSize(3).allSatisfy(channel ->
                assertThat(channel.fieldNames()).toIterable().contains("queuedTasks", "queuedBytes", "runningTasks", "runningBytes"));
        assertThat(Http.get(endpoints.http() + "/collections/nothing_here/lag").status()).isEqualTo(404);
    }

    /** CURRENT-OFFSET by partition of {@code topic}, as Kafka's {@code kafka-consumer-groups --describe --group} prints it. */
    private static Map<Integer, Long> consumerGroupOffsets(String group, String topic) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        PrintStream out = System.out;
        Exit.setExitProcedure((code, message) -> {
            throw new IllegalStateException("kafka-consumer-groups exited " + code + ": " + message);
        });
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            ConsumerGroupCommand.main(new String[] {"--bootstrap-server", endpoints.kafka(), "--describe", "--group", group});
        } finally {
            System.setOut(out);
            Exit.resetExitProcedure();
        }
        Map<Integer, Long> offsets = new HashMap<>();
        for (String line : printed.toString(StandardCharsets.UTF_8).lines().toList()) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length >= 4 && columns[0].equals(group) && columns[1].equals(topic)) {
                offsets.put(Integer.parseInt(columns[2]), Long.parseLong(columns[3]));
            }
        }
        return offsets;
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

    /**
     * The same client with librdkafka's default partitioner (CRC32): the records it puts in a
     * channel other than their key's are dead-lettered as WRONG_CHANNEL with the right channel, none
     * of their rows is visible and every correctly routed one is; after {@code dlq replay} (twice:
     * the second replays nothing) every key answers as a model of all the events says.
     */
    @Test
    void aPythonProducerOnItsDefaultPartitionerIsCaughtAndReplayedToTheRightChannels() throws Exception {
        Assumptions.assumeTrue(new ProcessBuilder(PYTHON, "-c", "import confluent_kafka.avro").start().waitFor() == 0,
                "python3-confluent-kafka and python3-avro are not installed");
        int rows = 1000;
        CollectionSpec spec = app.collections().create(new io.segflow.collection.CollectionDefinition("crc_python", null, 8, 4,
                List.of(new io.segflow.collection.CollectionDefinition.FieldDefinition("price", "DOUBLE")), null, null, null));
        Path script = Path.of(getClass().getResource("/interop/confluent_producer.py").toURI());
        Process python = new ProcessBuilder(PYTHON, script.toString(), endpoints.kafka(), endpoints.schemaRegistry(), "crc_python",
                String.valueOf(rows), "8", "default", "5", "7").redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes());
        assertThat(python.waitFor()).as(output).isZero();
        int events = rows + rows / 5 + (rows + 6) / 7;
        List<ConsumerRecord<byte[], byte[]>> dml = readAll("crc_python.dml", events);
        assertThat(dml).hasSize(events);
        Map<String, Integer> misrouted = new HashMap<>();
        Set<Long> misroutedKeys = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : dml) {
            int expected = PrimaryKeys.channel(record.key(), 4);
            if (record.partition() != expected) {
                misrouted.put(record.partition() + "/" + record.offset(), expected);
                misroutedKeys.add((Long) PrimaryKeys.decode(PkType.INT64, record.key()));
            }
        }
        assertThat(misroutedKeys).as("CRC32 and murmur2 disagree on most keys").hasSizeBetween(rows / 2, rows - 1);
        String api = endpoints.http() + "/collections/crc_python";
        assertThat(Http.post(api + "/flush", "{}").status()).isEqualTo(200);

        List<ConsumerRecord<byte[], byte[]>> dead = readAll("crc_python.dlq", misrouted.size());
        assertThat(dead).hasSize(misrouted.size()).allSatisfy(record -> {
            assertThat(header(record, DeadLetterHeaders.REASON)).isEqualTo("WRONG_CHANNEL");
            String from = header(record, DeadLetterHeaders.PARTITION) + "/" + header(record, DeadLetterHeaders.OFFSET);
            assertThat(misrouted).containsKey(from);
            assertThat(header(record, DeadLetterHeaders.EXPECTED_CHANNEL)).isEqualTo(String.valueOf(misrouted.get(from)));
        });
        assertThat(Http.metric(endpoints.http(), "segflow_dlq_records_total", "collection=crc_python", "reason=WRONG_CHANNEL"))
                .isGreaterThanOrEqualTo(misrouted.size());
        for (long pk = 0; pk < rows; pk++) {
            assertThat(liveRowsOf(api, pk)).as("pk %d", pk).isEqualTo(misroutedKeys.contains(pk) ? List.of() : modelRowsOf(pk));
        }

        Http.Answer replay = Http.post(api + "/dlq/replay", "{}");
        Http.Answer again = Http.post(api + "/dlq/replay", "{\"reason\": \"WRONG_CHANNEL\"}");
        Http.Answer notReplayable = Http.post(api + "/dlq/replay", "{\"reason\": \"UNDECODABLE\"}");
        assertThat(Http.post(api + "/flush", "{}").status()).isEqualTo(200);

        assertThat(replay.status()).as(replay.body().toString()).isEqualTo(200);
        assertThat(replay.body().path("replayed").path("WRONG_CHANNEL").asLong()).isEqualTo(misrouted.size());
        assertThat(replay.body().path("left").size()).isZero();
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body().path("read").asLong()).isZero();
        assertThat(notReplayable.status()).isEqualTo(400);
        assertThat(notReplayable.body().path("error").asText()).contains("cannot be replayed");
        for (long pk = 0; pk < rows; pk++) {
            assertThat(liveRowsOf(api, pk)).as("pk %d after the replay", pk).isEqualTo(modelRowsOf(pk));
        }
        long live = LongStream.range(0, rows).filter(pk -> !modelRowsOf(pk).isEmpty()).count();
        assertThat(Http.get(api + "/count").body().path("count").asLong()).isEqualTo(live);
        assertThat(readAll("crc_python.dlq", misrouted.size())).as("nothing dead-lettered again").hasSize(misrouted.size());
    }

    /** The first vector value of each live row of {@code pk}, as the script's events leave them: insert, delete every 5th, upsert every 7th. */
    private static List<Float> modelRowsOf(long pk) {
        if (pk % 7 == 0) {
            return List.of(pk + 0.5f);
        }
        return pk % 5 == 0 ? List.of() : List.of((float) pk);
    }

    private static List<Float> liveRowsOf(String api, long pk) throws Exception {
        Http.Answer answer = Http.get(api + "/rows/" + pk);
        if (answer.status() == 404) {
            return List.of();
        }
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        List<Float> firsts = new ArrayList<>();
        answer.body().path("rows").forEach(row -> firsts.add((float) row.path("vector").get(0).asDouble()));
        return firsts;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    /** Every endpoint, given malformed or mistyped bodies, bad parameters, a huge body or an unknown path: a 4xx with a JSON error, in time. */
    @Test
    void badRequestsGetAClientErrorWithAReasonNeverAServerErrorOrAHang() throws Exception {
        String api = endpoints.http();
        String vector = "[" + String.join(",", java.util.Collections.nCopies(128, "0.5")) + "]";
        List<String> bodies = List.of("", "{", "[]", "null", "42", "\"text\"", "{\"name\": {}, \"dim\": \"x\", \"type\": [], \"vector\": \"abc\"}",
                "{\"vector\": [\"a\"], \"k\": \"many\"}", "{\"fields\": 7, \"partitions\": {\"a\": 1}, \"channels\": -3}",
                "{\"type\": \"MIX\", \"segments\": [\"x\"], \"targetSize\": -1, \"channel\": \"one\"}",
                "{\"reason\": 12, \"fromOffset\": \"far\"}", "{\"vector\": " + vector + ", \"k\": 16385}",
                "{\"vector\": " + vector + ", \"k\": 0}", "{\"vector\": " + vector + ", \"metric\": \"MANHATTAN\"}",
                "{\"vector\": " + vector + ", \"filter\": {\"price\": {\"near\": 1}}}", "{\"vector\": [1, 2]}");
        List<String> posts = List.of("/collections", "/collections/demo/partitions", "/collections/demo/fields", "/collections/demo/search",
                "/collections/demo/compact", "/collections/demo/dlq/replay", "/collections/nowhere/search", "/collections/nowhere/dlq/replay");
        List<String[]> requests = new ArrayList<>();
        for (String path : posts) {
            // An empty body is a replay of everything replayable, not a bad request.
            bodies.stream().filter(body -> !(path.equals("/collections/demo/dlq/replay") && body.isEmpty()))
                    .forEach(body -> requests.add(new String[] {"POST", path, body}));
        }
        for (String path : List.of("/collections/nowhere", "/collections/demo/rows/not-a-number", "/collections/nowhere/count",
                "/collections/nowhere/compactions/some-task", "/collections/nowhere/segments", "/no/such/path", "/collections/demo/count/extra")) {
            requests.add(new String[] {"GET", path, ""});
        }
        requests.add(new String[] {"POST", "/collections/demo/flush?timeoutMs=soon", "{}"});
        requests.add(new String[] {"DELETE", "/collections", ""});
        requests.add(new String[] {"PUT", "/collections/demo/search", "{}"});

        for (String[] request : requests) {
            Http.Answer answer = Http.request(request[0], api + request[1], request[2].getBytes(StandardCharsets.UTF_8));
            assertThat(answer.status()).as("%s %s %s: %s", request[0], request[1], request[2], answer.body()).isBetween(400, 499);
            assertThat(answer.body().path("error").asText()).as("%s %s %s", request[0], request[1], request[2]).isNotBlank();
        }
        Http.Answer tooBig = Http.request("POST", api + "/collections/demo/search", new byte[17 << 20]);
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.body().path("error").asText()).contains("exceeds");
        Http.Answer kTooLarge = Http.post(api + "/collections/demo/search", "{\"vector\": " + vector + ", \"k\": 16385}");
        assertThat(kTooLarge.body().path("error").asText()).contains("16384");
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
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
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
