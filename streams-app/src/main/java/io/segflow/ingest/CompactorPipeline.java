package io.segflow.ingest;

import io.segflow.compaction.CompactionStream;
import io.segflow.compaction.CompactionWorker;
import io.segflow.compaction.CompactionWorkers;
import io.segflow.compaction.SegmentRewriter;
import io.segflow.embedded.Folders;
import io.segflow.metrics.IngestMetrics;
import io.segflow.schema.CollectionSpec;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.KafkaStreams;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The compactor application of one collection ({@code application.id = segflow-<collection>-compactor}),
 * exactly-once: the compaction stream of each channel, reading {@code C.compaction-tasks} and
 * reporting to {@code C.compaction-results}, with the workers that rewrite segments. Every
 * instance of role {@code all} or {@code compactor} runs one per collection; Kafka spreads the
 * channels' task queues among them, and a queue whose instance halts moves, running tasks
 * queued again, to another.
 */
public final class CompactorPipeline implements AutoCloseable {
    private final CompactionWorkers workers;
    private final StreamsApplication application;

    public CompactorPipeline(String collection, Supplier<CollectionSpec> spec, CollectionPipeline.Environment env) {
        IngestMetrics metrics = new IngestMetrics(env.meters(), collection);
        metrics.compactionCountersAtZero();
        this.workers = new CompactionWorkers(collection, env.compaction().workers());
        // Runs a crashed rewrite spilled are of no use to its retry, which starts over.
        Path spillDir = env.stateDir().resolve(applicationId(collection) + "-spill");
        Folders.deleteRecursively(spillDir);
        IngestSettings settings = env.settings();
        SegmentRewriter rewrites = new SegmentRewriter(settings.seal().rowsPerInsertLog(), settings.bloomFpp(), spillDir,
                env.compaction().workerMemoryBytes());
        CompactionStream.Context context = new CompactionStream.Context(spec, env.compaction(), workers,
                new CompactionWorker(env.storage(), env.compactionIo(), rewrites, workers.reads(), env.compaction().readAheadObjects(),
                        workers.writes(), Time.SYSTEM), metrics, settings.tickMs());
        this.application = new StreamsApplication(collection, applicationId(collection),
                CollectionTopology.compactor(collection, env.registry(), context), env, metrics);
    }

    public static String applicationId(String collection) {
        return CollectionPipeline.applicationId(collection) + "-compactor";
    }

    public void start() {
        application.start();
    }

    public KafkaStreams.State state() {
        return application.state();
    }

    public boolean ready() {
        return application.ready();
    }

    @Override
    public void close() {
        application.close();
        workers.close();
    }
}
