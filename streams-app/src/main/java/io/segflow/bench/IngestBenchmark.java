package io.segflow.bench;

import io.segflow.app.SegflowApp;
import io.segflow.fanout.SegmentDescription;
import io.segflow.collection.CollectionDefinition;
import io.segflow.collection.CollectionTopics;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.dml.DmlRecords;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.schema.serde.AvroWireSerializer;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import com.google.common.util.concurrent.RateLimiter;
import com.sun.management.OperatingSystemMXBean;

import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.stream.Collectors;

/**
 * {@code segflow bench ingest}: inserts N rows into a new collection of a running instance and
 * times first produce → every row Flushed (a flush request closes the run), then reads the same
 * topic with a plain consumer in the same run for the raw rate.
 */
public final class IngestBenchmark {
    /**
     * Distinct vectors cycled through, since generating them is not what is measured: 16384 of
     * them (8 MB at dim 128) repeat far beyond what zstd looks back, so they compress no better
     * than a stream of fresh random vectors would.
     */
    static final int VECTOR_POOL = 16_384;
    private static final int CORES = Runtime.getRuntime().availableProcessors();

    /** CPU this process used in the timed run, all threads, and how long the JIT compiler threads were compiling (elapsed). */
    public record CpuTime(double processSeconds, double jitSeconds) {
        static CpuTime now() {
            OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            return new CpuTime(os.getProcessCpuTime() / 1e9, ManagementFactory.getCompilationMXBean().getTotalCompilationTime() / 1e3);
        }

        CpuTime since(CpuTime start) {
            return new CpuTime(processSeconds - start.processSeconds, jitSeconds - start.jitSeconds);
        }
    }

    public record Result(long rows, int dim, int channels, int instances, double seconds, double produceSeconds, long dmlBytes, long objectBytes, int segments,
                         double rawSeconds, Map<String, Double> threads, CpuTime cpu, double otherCpuSeconds, HeapPeak.Figures heap) {
        double rowsPerSecond() {
            return rows / seconds;
        }

        double rawRowsPerSecond() {
            return rows / rawSeconds;
        }

        public void print(PrintStream out) {
            out.printf("ingest: %,d rows, dim %d, %d channels on %d instance(s), exactly-once; Java %s, collectors %s%n", rows, dim, channels,
                    instances,
                    Runtime.version().feature(), ManagementFactory.getGarbageCollectorMXBeans().stream()
                            .map(GarbageCollectorMXBean::getName).collect(Collectors.joining(", ")));
            out.printf("  end to end (first produce -> all rows Flushed): %.2f s, %,.0f rows/s, %.1f MB/s of DML%n",
                    seconds, rowsPerSecond(), dmlBytes / seconds / 1e6);
            out.printf("  written to object storage: %,d bytes in %d segments (%.2f x the DML bytes)%n",
                    objectBytes, segments, (double) objectBytes / dmlBytes);
            out.printf("  raw consumer of the same topic: %.2f s, %,.0f rows/s, %.1f MB/s%n",
                    rawSeconds, rawRowsPerSecond(), dmlBytes / rawSeconds / 1e6);
            out.printf("  ratio ingest / raw consumer: %.2f%n", rowsPerSecond() / rawRowsPerSecond());
            out.printf("  the producer of the same rows (acks=all, sharing the cores): %.2f s, %,.0f rows/s; ratio ingest / producer: %.2f%n",
                    produceSeconds, rows / produceSeconds, produceSeconds / seconds);
            out.printf("  CPU of the whole process (broker, S3 server, producer and pipeline): %.1f core-seconds of %.1f available (%d cores)%n",
                    cpu.processSeconds(), seconds * CORES, CORES);
            ThreadCpu.print(out, threads, cpu);
            out.printf("  CPU per row: %.1f us over all threads; %s%n", cpu.processSeconds() / rows * 1e6, heap);
            if (instances > 1) {
                out.printf("  CPU of the second instance's JVM: %.1f core-seconds; both: %.1f of %.1f available%n", otherCpuSeconds,
                        cpu.processSeconds() + otherCpuSeconds, seconds * CORES);
            }
        }
    }

    private IngestBenchmark() {
    }

    /**
     * Ingests {@code warmupRows} into the collection first and flushes them, so that the JIT compiler
     * has done most of its work (it takes a third of both cores for the first tens of seconds of a
     * fresh JVM) and the pipeline runs as a long-lived one does; then times {@code rows} more.
     */
    public static Result run(SegflowApp app, int instances, DoubleSupplier otherCpuSeconds, long warmupRows, long rows, int dim, int channels,
                             PrintStream progress) throws Exception {
        String name = "bench_" + System.currentTimeMillis();
        CollectionSpec spec = createCollection(app, name, dim, channels);
        awaitSpread(app, name, instances, progress);
        String topic = CollectionTopics.dml(name);
        if (warmupRows > 0) {
            progress.printf("warming up with %,d rows%n", warmupRows);
            ingest(app, spec, 0, warmupRows, progress);
            rawConsume(app.endpoints().kafka(), topic, Map.of(), warmupRows);
        }
        Set<Long> before = app.segments().segments(name, false).stream().map(SegmentDescription::id).collect(Collectors.toSet());
        Map<TopicPartition, Long> from = endOffsets(app.endpoints().kafka(), topic);
        ThreadCpu threadsAtStart = ThreadCpu.now();
        CpuTime cpuAtStart = CpuTime.now();
        double otherAtStart = otherCpuSeconds.getAsDouble();
        Timed timed;
        HeapPeak.Figures heap;
        try (HeapPeak peak = new HeapPeak()) {
            timed = ingest(app, spec, warmupRows, rows, progress);
            heap = peak.figures();
        }
        CpuTime cpu = CpuTime.now().since(cpuAtStart);
        double otherCpu = otherCpuSeconds.getAsDouble() - otherAtStart;
        Map<String, Double> threads = ThreadCpu.now().since(threadsAtStart);
        List<SegmentDescription> segments = app.segments().segments(name, false).stream().filter(s -> !before.contains(s.id())).toList();
        long written = segments.stream().filter(s -> s.level().equals("L1")).mapToLong(SegmentDescription::rows).sum();
        if (written != rows) {
            throw new IllegalStateException("the segments flushed in the timed run hold " + written + " rows, not " + rows);
        }
        long objectBytes = segments.stream().mapToLong(SegmentDescription::bytes).sum();
        double rawSeconds = rawConsume(app.endpoints().kafka(), topic, from, rows);
        return new Result(rows, dim, channels, instances, timed.seconds(), timed.produceSeconds(), timed.dmlBytes(), objectBytes, segments.size(),
                rawSeconds, threads, cpu, otherCpu, heap);
    }

    /**
     * Creates a collection with an int64 key and no scalar fields, and returns once its pipeline
     * answers: it starts in the background, and the benchmarks time their work, not start-up.
     */
    static CollectionSpec createCollection(SegflowApp app, String name, int dim, int channels) {
        CollectionSpec spec = app.collections().create(new CollectionDefinition(name, "INT64", dim, channels, List.of(), null, null, null));
        app.segments().segments(name, true);
        return spec;
    }

    /** Waits until the channels of {@code name} are held by {@code instances} instances. */
    private static void awaitSpread(SegflowApp app, String name, int instances, PrintStream progress) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (Set.copyOf(app.pipelines().ensure(name).owners().values()).size() < instances) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the channels of " + name + " did not spread over " + instances + " instances");
            }
            Thread.sleep(200);
        }
        progress.printf("channels of %s: %s%n", name, app.pipelines().ensure(name).owners());
    }

    /** First produce to every row Flushed, and to the producer's last acknowledgement. */
    private record Timed(double seconds, double produceSeconds, long dmlBytes) {
    }

    /** Produces inserts of keys {@code firstPk} on and flushes: first produce to every row Flushed. */
    private static Timed ingest(SegflowApp app, CollectionSpec spec, long firstPk, long rows, PrintStream progress) throws Exception {
        progress.printf("producing %,d rows into %s%n", rows, spec.getName());
        long start = System.nanoTime();
        long dmlBytes = produce(spec, app.endpoints().kafka(), new RestSchemaRegistryClient(app.endpoints().schemaRegistry()), firstPk, rows);
        double produceSeconds = (System.nanoTime() - start) / 1e9;
        progress.printf("produced in %.2f s; flushing%n", produceSeconds);
        app.flushes().flush(spec, Duration.ofMinutes(10));
        return new Timed((System.nanoTime() - start) / 1e9, produceSeconds, dmlBytes);
    }

    /** The vectors rows are given: row {@code pk} has {@code vectorPool(dim)[pk % VECTOR_POOL]}. */
    static float[][] vectorPool(int dim) {
        SplittableRandom random = new SplittableRandom(1);
        float[][] vectors = new float[VECTOR_POOL][dim];
        for (float[] vector : vectors) {
            for (int i = 0; i < vector.length; i++) {
                vector[i] = (float) random.nextDouble(-1, 1);
            }
        }
        return vectors;
    }

    /** Produces inserts of keys 0 to {@code rows} - 1 into the default partition; returns the bytes of their values. */
    static long produce(CollectionSpec spec, String kafka, RestSchemaRegistryClient registry, long rows) throws Exception {
        return produce(spec, kafka, registry, 0, rows);
    }

    /** Produces inserts of keys {@code firstPk} to {@code firstPk + rows - 1}; returns the bytes of their values. */
    static long produce(CollectionSpec spec, String kafka, RestSchemaRegistryClient registry, long firstPk, long rows) throws Exception {
        return produce(spec, kafka, registry, firstPk, rows, null);
    }

    /** Like {@link #produce(CollectionSpec, String, RestSchemaRegistryClient, long, long)}, at most at {@code rate}'s pace (null: flat out). */
    static long produce(CollectionSpec spec, String kafka, RestSchemaRegistryClient registry, long firstPk, long rows, RateLimiter rate)
            throws Exception {
        DmlRecords records = new DmlRecords(spec);
        float[][] vectors = vectorPool(spec.getDim());
        AvroWireSerializer<GenericRecord> values = new AvroWireSerializer<>(registry, true);
        String topic = CollectionTopics.dml(spec.getName());
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long pk = firstPk; pk < firstPk + rows; pk++) {
                if (rate != null) {
                    rate.acquire();
                }
                byte[] value = values.serialize(topic, records.insert(pk, "_default", vectors[(int) (pk % VECTOR_POOL)], Map.of()));
                bytes += value.length;
                producer.send(new ProducerRecord<>(topic, PrimaryKeys.encode(pk), value), (m, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return bytes;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String kafka) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    static Map<TopicPartition, Long> endOffsets(String kafka, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            return consumer.endOffsets(partitions(consumer, topic));
        }
    }

    /** Seconds a plain consumer takes to read {@code rows} records of {@code topic} from {@code from} (the start of partitions it lacks). */
    static double rawConsume(String kafka, String topic, Map<TopicPartition, Long> from, long rows) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            from.forEach(consumer::seek);
            long start = System.nanoTime();
            long read = 0;
            while (read < rows) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    // Flush barriers (no value) are not rows.
                    if (record.value() != null) {
                        read++;
                    }
                }
            }
            return (System.nanoTime() - start) / 1e9;
        }
    }
}
