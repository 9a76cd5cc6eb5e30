package io.segflow.bench;

import io.segflow.app.SegflowApp;
import io.segflow.catalog.SegmentView;
import io.segflow.collection.CollectionDefinition;
import io.segflow.collection.CollectionTopics;
import io.segflow.ingest.IngestPipeline;
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

import com.sun.management.OperatingSystemMXBean;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReference;

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

    /** Where the stream thread's time went, from Kafka Streams' own thread metrics. */
    public record StreamThreadTime(double pollSeconds, double processSeconds, double commitSeconds, double punctuateSeconds,
                                   double commits) {
        static StreamThreadTime of(IngestPipeline pipeline) {
            return new StreamThreadTime(seconds(pipeline, "poll"), seconds(pipeline, "process"), seconds(pipeline, "commit"),
                    seconds(pipeline, "punctuate"), pipeline.threadMetric("commit-total"));
        }

        private static double seconds(IngestPipeline pipeline, String operation) {
            return pipeline.threadMetric(operation + "-total") * pipeline.threadMetric(operation + "-latency-avg") / 1000;
        }
    }

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

    public record Result(long rows, int dim, int channels, double seconds, long dmlBytes, long objectBytes, int segments,
                         double rawSeconds, StreamThreadTime thread, CpuTime cpu) {
        double rowsPerSecond() {
            return rows / seconds;
        }

        double rawRowsPerSecond() {
            return rows / rawSeconds;
        }

        public void print(PrintStream out) {
            out.printf("ingest: %,d rows, dim %d, %d channels, exactly-once%n", rows, dim, channels);
            out.printf("  end to end (first produce -> all rows Flushed): %.2f s, %,.0f rows/s, %.1f MB/s of DML%n",
                    seconds, rowsPerSecond(), dmlBytes / seconds / 1e6);
            out.printf("  written to object storage: %,d bytes in %d segments (%.2f x the DML bytes)%n",
                    objectBytes, segments, (double) objectBytes / dmlBytes);
            out.printf("  raw consumer of the same topic: %.2f s, %,.0f rows/s, %.1f MB/s%n",
                    rawSeconds, rawRowsPerSecond(), dmlBytes / rawSeconds / 1e6);
            out.printf("  ratio ingest / raw consumer: %.2f%n", rowsPerSecond() / rawRowsPerSecond());
            out.printf("  stream thread (approximate, from Kafka Streams metrics): poll %.1f s, process %.1f s, commit %.1f s in %.0f"
                    + " commits, punctuate %.1f s%n", thread.pollSeconds(), thread.processSeconds(), thread.commitSeconds(),
                    thread.commits(), thread.punctuateSeconds());
            out.printf("  CPU of the whole process (broker, S3 server, producer and pipeline): %.1f core-seconds of %.1f available"
                    + " (%d cores); JIT compiler threads busy %.1f s%n", cpu.processSeconds(), seconds * CORES, CORES, cpu.jitSeconds());
        }
    }

    private IngestBenchmark() {
    }

    /**
     * Ingests {@code warmupRows} into a collection of their own first, so that the JIT compiler has
     * done most of its work (it takes a third of both cores for the first tens of seconds of a
     * fresh JVM), then times {@code rows} into a new collection.
     */
    public static Result run(SegflowApp app, long warmupRows, long rows, int dim, int channels, PrintStream progress) throws Exception {
        String name = "bench_" + System.currentTimeMillis();
        if (warmupRows > 0) {
            progress.printf("warming up with %,d rows%n", warmupRows);
            Timed warmup = ingest(app, name + "_warmup", warmupRows, dim, channels, progress);
            rawConsume(app.endpoints().kafka(), CollectionTopics.dml(warmup.spec().getName()), warmupRows);
        }
        CpuTime cpuAtStart = CpuTime.now();
        Timed timed = ingest(app, name, rows, dim, channels, progress);
        CpuTime cpu = CpuTime.now().since(cpuAtStart);
        List<SegmentView> segments = app.segments().segments(name, false);
        long written = segments.stream().filter(s -> s.level().equals("L1")).mapToLong(SegmentView::rows).sum();
        if (written != rows) {
            throw new IllegalStateException("flushed segments hold " + written + " rows, not " + rows);
        }
        long objectBytes = segments.stream().mapToLong(SegmentView::bytes).sum();
        StreamThreadTime thread = StreamThreadTime.of(app.pipelines().ensure(name));
        double rawSeconds = rawConsume(app.endpoints().kafka(), CollectionTopics.dml(name), rows);
        return new Result(rows, dim, channels, timed.seconds(), timed.dmlBytes(), objectBytes, segments.size(), rawSeconds, thread, cpu);
    }

    private record Timed(CollectionSpec spec, double seconds, long dmlBytes) {
    }

    /** Creates a collection, produces {@code rows} inserts and flushes: first produce to every row Flushed. */
    private static Timed ingest(SegflowApp app, String name, long rows, int dim, int channels, PrintStream progress) throws Exception {
        CollectionSpec spec = app.collections().create(new CollectionDefinition(name, "INT64", dim, channels, List.of(), null, null, null));
        // The pipeline of a new collection starts in the background; time ingest, not start-up.
        app.segments().segments(name, true);
        progress.printf("created %s; producing %,d rows%n", name, rows);
        long start = System.nanoTime();
        long dmlBytes = produce(spec, app.endpoints().kafka(), new RestSchemaRegistryClient(app.endpoints().schemaRegistry()), rows);
        progress.printf("produced in %.2f s; flushing%n", (System.nanoTime() - start) / 1e9);
        app.flushes().flush(spec, Duration.ofMinutes(10));
        return new Timed(spec, (System.nanoTime() - start) / 1e9, dmlBytes);
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
        DmlRecords records = new DmlRecords(spec);
        float[][] vectors = vectorPool(spec.getDim());
        AvroWireSerializer<GenericRecord> values = new AvroWireSerializer<>(registry, true);
        String topic = CollectionTopics.dml(spec.getName());
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        AtomicReference<Exception> failure = new AtomicReference<>();
        long bytes = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long pk = 0; pk < rows; pk++) {
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

    /** Seconds a plain consumer takes to read {@code rows} records of {@code topic} from the start. */
    static double rawConsume(String kafka, String topic, long rows) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
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
