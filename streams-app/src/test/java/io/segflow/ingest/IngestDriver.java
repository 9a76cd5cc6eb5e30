package io.segflow.ingest;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.segflow.collection.CollectionTopics;
import io.segflow.compaction.CompactionParts;
import io.segflow.config.ConfigLoader;
import io.segflow.config.SegflowConfig;
import io.segflow.metrics.IngestMetrics;
import io.segflow.storage.FilePins;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.InMemorySchemaRegistry;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.dml.DmlRecords;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.serde.AvroSerdes;
import io.segflow.schema.serde.AvroWireSerializer;
import io.segflow.storage.ObjectStorage;
import io.segflow.storage.SegmentFiles;
import io.segflow.storage.SegmentUploader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * The ingest application's topology under Kafka's TopologyTestDriver, with real RocksDB stores and uploads to a
 * real S3 server; the Schema Registry is the in-memory one, a collaborator here. Wall-clock time
 * is the driver's, advanced by the test.
 */
final class IngestDriver implements AutoCloseable {
    final CollectionSpec spec;
    /** The spec the topology sees; a test may evolve it. */
    final AtomicReference<CollectionSpec> current;
    final InMemorySchemaRegistry registry;
    final DmlRecords rows;
    final FlushTracker flushes = new FlushTracker();
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final TopologyTestDriver driver;
    private final SegmentUploader uploader;
    private final ExecutorService gcIo;
    private final TestInputTopic<byte[], byte[]> dml;
    private final TestOutputTopic<Long, SegmentInfo> segments;
    private final TestOutputTopic<byte[], byte[]> dlq;
    private final AvroWireSerializer<GenericRecord> values;
    private final List<SegmentInfo> flushed = new ArrayList<>();

    IngestDriver(CollectionSpec spec, InMemorySchemaRegistry registry, ObjectStorage storage, Path stateDir, Map<String, String> settings) {
        this.spec = spec;
        this.current = new AtomicReference<>(spec);
        this.registry = registry;
        this.rows = new DmlRecords(spec);
        this.values = new AvroWireSerializer<>(registry, true);
        SegflowConfig config = ConfigLoader.load(null, Map.of(), settings);
        IngestSettings ingest = config.ingest();
        IngestMetrics metrics = new IngestMetrics(meters, spec.getName());
        uploader = new SegmentUploader("test", storage, new SegmentFiles(registry, ingest.seal().rowsPerInsertLog(), ingest.bloomFpp()),
                2, 50, 200, metrics);
        Serde<SegmentInfo> segmentSerde = AvroSerdes.specific(registry, SegmentInfo.class);
        gcIo = Executors.newSingleThreadExecutor();
        CompactionParts compaction = new CompactionParts(config.compaction(), storage, new FilePins(), gcIo);
        IngestContext context = new IngestContext(spec.getName(), current::get, registry, ingest, uploader, metrics, flushes, Map.of(),
                new ChannelFences(), compaction, ImportDriver.NONE);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "test-" + spec.getName());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(CollectionTopology.ingest(context), props, Instant.ofEpochMilli(1_000_000));
        dml = driver.createInputTopic(CollectionTopics.dml(spec.getName()), new ByteArraySerializer(), new ByteArraySerializer());
        segments = driver.createOutputTopic(CollectionTopics.segments(spec.getName()), new LongDeserializer(), segmentSerde.deserializer());
        dlq = driver.createOutputTopic(CollectionTopics.dlq(spec.getName()), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    void insert(long pk, String partition, float... vector) {
        pipe(pk, rows.insert(pk, partition, vector, Map.of()));
    }

    void upsert(long pk, float... vector) {
        pipe(pk, rows.upsert(pk, "_default", vector, Map.of()));
    }

    void delete(long pk) {
        pipe(pk, rows.delete(pk, "_default"));
    }

    void pipe(long pk, GenericRecord value) {
        pipeRaw(PrimaryKeys.encode(pk), serialize(value), new RecordHeaders());
    }

    byte[] serialize(GenericRecord value) {
        return values.serialize(CollectionTopics.dml(spec.getName()), value);
    }

    void pipeRaw(byte[] key, byte[] value, Headers headers) {
        dml.pipeInput(new TestRecord<>(key, value, headers, Instant.ofEpochMilli(5_000)));
    }

    void flushBarrier(String id) {
        pipeRaw(null, null, FlushBarrier.headers(id));
    }

    /** Advances wall-clock time in ticks until {@code done}, or fails after 20 s of real time. */
    void tickUntil(BooleanSupplier done) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 20 s");
            }
            advance(Duration.ofMillis(100));
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    void advance(Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    /** Every SegmentInfo published to C.segments so far. */
    List<SegmentInfo> flushed() {
        segments.readValuesToList().forEach(flushed::add);
        return flushed;
    }

    List<TestRecord<byte[], byte[]>> deadLetters() {
        return dlq.readRecordsToList();
    }

    @Override
    public void close() {
        driver.close();
        uploader.close();
        gcIo.shutdownNow();
    }
}
