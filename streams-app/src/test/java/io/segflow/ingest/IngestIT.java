package io.segflow.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.api.CollectionView;
import io.segflow.app.SegflowApp;
import io.segflow.fanout.SegmentDescription;
import io.segflow.collection.CollectionDefinition;
import io.segflow.compaction.CompactionSettings;
import io.segflow.config.SegflowConfig;
import io.segflow.embedded.FreePorts;
import io.segflow.failpoint.Failpoints;
import io.segflow.produce.DmlProducer;
import io.segflow.produce.SyntheticWorkload;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.schema.dml.DmlDecoder;
import io.segflow.schema.dml.DmlEvent;
import io.segflow.schema.dml.DmlRecords;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.serde.AvroWireSerializer;
import io.segflow.schema.serde.BadInputException;
import io.segflow.schema.serde.DeadLetterHeaders;
import io.segflow.schema.serde.RecordSource;
import io.segflow.app.ChildInstances;
import io.segflow.testing.Http;
import io.segflow.testing.IngestAudit;
import io.segflow.testing.SharedServices;
import io.segflow.testing.TestRuntimes;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ingest on a real KRaft broker and S3 server shared by the class, with Segflow instances
 * configured against them as external services: 200k events over 4 channels, an S3 outage of
 * 20 s, and an instance killed (SIGKILL) in the middle of uploads.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class IngestIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path infraDir;
    static SharedServices services;

    @TempDir
    Path instanceDir;
    /** Child instances, killed after each test whatever happened in it. */
    private final ChildInstances children = new ChildInstances();

    @AfterEach
    void killChildren() throws InterruptedException {
        children.close();
    }

    @BeforeAll
    static void startServices() throws Exception {
        services = SharedServices.start(infraDir);
    }

    @AfterAll
    static void stopServices() throws Exception {
        services.close();
    }

    /**
     * An instance against the class's services, with its own catalog topic and small segments. Compaction is off:
     * the audit checks the segments ingest flushed, and a merge would drop them while a test waits out an outage.
     */
    private Map<String, String> instance(String name) {
        Map<String, String> settings = services.instance(instanceDir, "_collections-" + name);
        settings.put(CompactionSettings.ENABLED, "false");
        settings.put(IngestSettings.SEAL_CAPACITY_BYTES, "400000");
        settings.put(IngestSettings.L0_FLUSH_ENTRIES, "5000");
        settings.put(IngestSettings.SEAL_CHECK_MS, "200");
        settings.put(IngestSettings.BACKPRESSURE_MAX_SEALED, "4");
        return settings;
    }

    private static CollectionDefinition collection(String name) {
        return new CollectionDefinition(name, null, 8, 4, List.of(new CollectionDefinition.FieldDefinition("price", "DOUBLE")),
                List.of("hot"), null, null);
    }

    private static void produce(CollectionSpec spec, long events, long seed) {
        produce(spec, events, seed, 0);
    }

    /** Seeded synthetic DML whose fresh keys start at {@code startPk}. */
    private static void produce(CollectionSpec spec, long events, long seed, long startPk) {
        produce(spec, events, seed, startPk, Map.of());
    }

    private static void produce(CollectionSpec spec, long events, long seed, long startPk, Map<String, Object> overrides) {
        SyntheticWorkload workload = new SyntheticWorkload(spec, seed, 0.15, 0.15, startPk);
        Map<String, Object> config = new HashMap<>(overrides);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, services.bootstrapServers());
        try (DmlProducer producer = new DmlProducer(spec, config, services.registry())) {
            for (long i = 0; i < events; i++) {
                producer.send(workload.next());
            }
        }
    }

    private static List<SegmentDescription> segments(String api, String collection) throws Exception {
        Http.Answer answer = Http.get(api + "/collections/" + collection + "/segments");
        assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
        return Arrays.asList(JSON.treeToValue(answer.body(), SegmentDescription[].class));
    }

    private static void flush(String api, String collection) throws Exception {
        Http.Answer flushed = Http.post(api + "/collections/" + collection + "/flush?timeoutMs=120000", "{}");
        assertThat(flushed.status()).as(flushed.body().toString()).isEqualTo(200);
    }

    @Test
    void twoHundredThousandEventsLandInFlushedSegmentsOrAreAccountedAsDeleted() throws Exception {
        try (SegflowApp app = TestRuntimes.start(instance("bulk"))) {
            CollectionSpec spec = app.collections().create(collection("bulk"));
            produce(spec, 200_000, 42);

            flush(app.endpoints().http(), "bulk");

            List<SegmentDescription> segments = segments(app.endpoints().http(), "bulk");
            IngestAudit.Totals totals = IngestAudit.verify(spec, services.registry(), services.bootstrapServers(), services.minio(), segments);
            assertThat(totals.events()).isEqualTo(200_000);
            assertThat(totals.writtenRows() + totals.deletedAtFlush()).isEqualTo(totals.dmlRows());
            assertThat(segments).filteredOn(s -> s.level().equals("L1")).extracting(SegmentDescription::sealReason).contains("capacity");
            assertThat(segments).extracting(SegmentDescription::channel).containsOnly(0, 1, 2, 3);
            assertThat(segments).extracting(SegmentDescription::partition).contains("_default", "hot", "*");
        }
    }

    @Test
    void twoInstancesShareTheChannelsAndEachAnswersForAll() throws Exception {
        Map<String, String> first = instance("shared");
        Map<String, String> second = instance("shared");
        second.put(SegflowConfig.DATA_DIR, instanceDir.resolve("second").toString());
        second.put(SegflowConfig.HTTP_PORT, String.valueOf(FreePorts.next()));
        try (SegflowApp a = TestRuntimes.start(first); SegflowApp b = TestRuntimes.start(second)) {
            CollectionSpec spec = a.collections().create(collection("shared"));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() ->
                    assertThat(b.segments().segments("shared", true)).isNotNull());
            produce(spec, 40_000, 3);

            flush(b.endpoints().http(), "shared");

            List<SegmentDescription> fromA = segments(a.endpoints().http(), "shared");
            List<SegmentDescription> fromB = segments(b.endpoints().http(), "shared");
            List<SegmentDescription> localToA = a.segments().segments("shared", true);
            assertThat(fromA).extracting(SegmentDescription::id).containsExactlyInAnyOrderElementsOf(fromB.stream().map(SegmentDescription::id).toList());
            assertThat(fromA).extracting(SegmentDescription::channel).containsOnly(0, 1, 2, 3);
            assertThat(localToA).isNotEmpty().hasSizeLessThan(fromA.size());
            IngestAudit.Totals totals = IngestAudit.verify(spec, services.registry(), services.bootstrapServers(), services.minio(), fromA);
            assertThat(totals.events()).isEqualTo(40_000);
        }
    }

    @Test
    void anS3OutageOfTwentySecondsLosesNothing() throws Exception {
        Map<String, String> settings = instance("outage");
        settings.put(IngestSettings.BACKPRESSURE_MAX_SEALED, "2");
        try (SegflowApp app = TestRuntimes.start(settings)) {
            String api = app.endpoints().http();
            CollectionSpec spec = app.collections().create(collection("outage"));
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(spec, 120_000, 7));
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> !segments(api, "outage").isEmpty()
                    && segments(api, "outage").stream().anyMatch(s -> s.state().equals("FLUSHED")));

            services.stopS3();
            producing.get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                    assertThat(Http.metric(api, "segflow_segments_sealed_waiting", "collection=outage")).isPositive());
            Http.Answer timedOut = Http.post(api + "/collections/outage/flush?timeoutMs=2000", "{}");
            assertThat(timedOut.status()).isEqualTo(504);
            assertThat(timedOut.body().path("error").asText()).contains("not done within 2000 ms");
            assertThat(timedOut.body().path("channelsPending")).isNotEmpty();
            Thread.sleep(Duration.ofSeconds(18).toMillis());
            assertThat(Http.metric(api, "segflow_upload_failures_total", "collection=outage")).isPositive();
            assertThat(Http.metric(api, "segflow_ingest_backpressure_seconds_count", "collection=outage")).isPositive();
            services.startS3();

            flush(api, "outage");

            IngestAudit.Totals totals = IngestAudit.verify(spec, services.registry(), services.bootstrapServers(), services.minio(), segments(api, "outage"));
            assertThat(totals.writtenRows() + totals.deletedAtFlush()).isEqualTo(totals.dmlRows());
        }
    }

    @Test
    void aBrokerOutageOfTwentySecondsLosesAndDuplicatesNothingAndTheApiSaysSo() throws Exception {
        try (SegflowApp app = TestRuntimes.start(instance("brokerless"))) {
            String api = app.endpoints().http();
            CollectionSpec spec = app.collections().create(collection("brokerless"));
            produce(spec, 30_000, 21);
            flush(api, "brokerless");
            // Growing segments hold rows, and the buffer deletes, when the broker goes.
            produce(spec, 20_000, 22, 1_000_000);

            services.stopKafka();
            long stopped = System.nanoTime();
            Http.Answer health = Http.get(api + "/health");
            Http.Answer flush = Http.post(api + "/collections/brokerless/flush?timeoutMs=60000", "{}");
            assertThat(health.status()).as(health.body().toString()).isEqualTo(503);
            assertThat(health.body().path("components").path("kafka").asText()).startsWith("DOWN");
            assertThat(flush.status()).as(flush.body().toString()).isEqualTo(503);
            assertThat(flush.body().path("error").asText()).contains("unavailable");
            Thread.sleep(Math.max(0, Duration.ofSeconds(20).toMillis() - (System.nanoTime() - stopped) / 1_000_000));
            services.startKafka();

            // Ingest resumes by itself: rows produced after the outage flush with the others. The restarted
            // single-node broker can hand a new idempotent producer an id an earlier one had, whose sequence
            // numbers it then rejects until the batches expire; this producer is not idempotent, one request
            // in flight, and a duplicate would still fail the audit's event count below.
            produce(spec, 30_000, 23, 2_000_000, Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                    ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1));
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() ->
                    assertThat(Http.post(api + "/collections/brokerless/flush?timeoutMs=30000", "{}").status()).isEqualTo(200));

            IngestAudit.Totals totals = IngestAudit.verify(spec, services.registry(), services.bootstrapServers(), services.minio(),
                    segments(api, "brokerless"));
            assertThat(totals.events()).isEqualTo(80_000);
            assertThat(totals.writtenRows() + totals.deletedAtFlush()).isEqualTo(totals.dmlRows());
        }
    }

    /**
     * 10,000 records corrupted from valid ones (truncated, bytes flipped, unknown schema ids, oversized
     * vectors, empty, missing and huge keys) between 10,000 valid inserts, through the real pipeline:
     * each record the decoder refuses is in the DLQ with that reason, every other is ingested, and no
     * stream thread dies. The decoder run here on each record, at the position Kafka gave it, is the model.
     */
    @Test
    void tenThousandCorruptedRecordsLandInTheDlqWithTheirReasonsAndTheValidOnesAroundThemAreIngested() throws Exception {
        try (SegflowApp app = TestRuntimes.start(instance("fuzz"))) {
            String api = app.endpoints().http();
            CollectionSpec spec = app.collections().create(collection("fuzz"));
            String topic = spec.getName() + ".dml";
            DmlRecords rows = new DmlRecords(spec);
            AvroWireSerializer<GenericRecord> values = new AvroWireSerializer<>(services.registry(), false);
            SplittableRandom random = new SplittableRandom(Long.getLong("fuzz.seed", 13));
            List<byte[][]> sent = new ArrayList<>();
            List<Future<RecordMetadata>> positions = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG,
                    services.bootstrapServers(), ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 << 20), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (long pk = 0; pk < 20_000; pk++) {
                    float[] vector = new float[pk % 2 == 1 && random.nextInt(7) == 3 ? 8 * (2 + random.nextInt(100)) : 8];
                    byte[] key = PrimaryKeys.encode(pk);
                    byte[] value = values.serialize(topic, rows.insert(pk, "_default", vector, Map.of("price", 1.0)));
                    if (pk % 2 == 1 && vector.length == 8) {
                        byte[][] corrupted = corrupt(random, key, value);
                        key = corrupted[0];
                        value = corrupted[1];
                    }
                    sent.add(new byte[][] {key, value});
                    positions.add(producer.send(new ProducerRecord<>(topic, key, value)));
                }
            }
            DmlDecoder reference = new DmlDecoder(spec, services.registry());
            Map<String, String> expectedDead = new HashMap<>();
            long expectedRows = 0;
            for (int i = 0; i < sent.size(); i++) {
                RecordMetadata at = positions.get(i).get();
                try {
                    DmlEvent event = reference.decodeInChannel(new RecordSource(topic, at.partition(), at.offset()), sent.get(i)[0], sent.get(i)[1]);
                    expectedRows += event.op() == DmlOp.DELETE ? 0 : 1;
                } catch (BadInputException e) {
                    expectedDead.put(at.partition() + "/" + at.offset(), e.reason().name());
                }
            }
            assertThat(expectedDead.size()).as("most corruptions are bad input").isGreaterThan(8_000);

            flush(api, "fuzz");

            Map<String, String> dead = new HashMap<>();
            IngestAudit.readCommitted(services.bootstrapServers(), spec.getName() + ".dlq").forEach(r ->
                    dead.put(header(r, DeadLetterHeaders.PARTITION) + "/" + header(r, DeadLetterHeaders.OFFSET), header(r, DeadLetterHeaders.REASON)));
            assertThat(dead).containsExactlyInAnyOrderEntriesOf(expectedDead);
            assertThat(Http.get(api + "/collections/fuzz/count").body().path("count").asLong()).isEqualTo(expectedRows);
            assertThat(Http.metric(api, "segflow_stream_thread_failures_total", "collection=fuzz")).isZero();
            assertThat(app.pipelines().ensure("fuzz").state()).isEqualTo(KafkaStreams.State.RUNNING);
        }
    }

    /** One corruption of a valid record's key or value, picked at random. */
    private static byte[][] corrupt(SplittableRandom random, byte[] key, byte[] value) {
        byte[] copy = value.clone();
        switch (random.nextInt(6)) {
            case 0 -> {
                return new byte[][] {key, Arrays.copyOf(value, random.nextInt(value.length))};
            }
            case 1 -> {
                for (int flips = 1 + random.nextInt(3); flips > 0; flips--) {
                    copy[random.nextInt(copy.length)] ^= (byte) (1 + random.nextInt(255));
                }
                return new byte[][] {key, copy};
            }
            case 2 -> {
                ByteBuffer.wrap(copy).putInt(1, 100_000 + random.nextInt(1_000_000));
                return new byte[][] {key, copy};
            }
            case 3 -> {
                return new byte[][] {new byte[0], value};
            }
            case 4 -> {
                return new byte[][] {null, value};
            }
            default -> {
                byte[] huge = new byte[100_000 + random.nextInt(400_000)];
                random.nextBytes(huge);
                return new byte[][] {huge, value};
            }
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void anInstanceKilledInTheMiddleOfUploadsRestartsWithTheSameTotals() throws Exception {
        Map<String, String> settings = instance("crash");
        String api = "http://127.0.0.1:" + settings.get(SegflowConfig.HTTP_PORT);
        // The third upload halts the instance after writing part of its segment's files: a kill in the middle of uploads by construction.
        Process first = children.start(settings, "-D" + Failpoints.PROPERTY + "=" + Failpoints.UPLOAD_PARTIAL + ":3");
        Http.Answer created = Http.post(api + "/collections", JSON.writeValueAsString(collection("crash")));
        assertThat(created.status()).as(created.body().toString()).isEqualTo(201);
        CollectionSpec spec = JSON.treeToValue(created.body(), CollectionView.class).toSpec();
        produce(spec, 60_000, 11);

        assertThat(first.waitFor(120, TimeUnit.SECONDS)).as("the instance reached its failpoint").isTrue();
        assertThat(first.exitValue()).isEqualTo(Failpoints.HALT_STATUS);
        Process second = children.start(settings);
        // Rows arrive before the kill and after the restart.
        produce(spec, 60_000, 12, 1_000_000);
        flush(api, "crash");

        IngestAudit.Totals totals = IngestAudit.verify(spec, services.registry(), services.bootstrapServers(), services.minio(), segments(api, "crash"));
        assertThat(totals.writtenRows() + totals.deletedAtFlush()).isEqualTo(totals.dmlRows());
        assertThat(totals.events()).isEqualTo(120_000);
        second.destroy();
        assertThat(second.waitFor(30, TimeUnit.SECONDS)).as("a clean shutdown on SIGTERM").isTrue();
    }
}
