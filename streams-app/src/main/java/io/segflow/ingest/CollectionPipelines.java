package io.segflow.ingest;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.segflow.collection.CollectionCatalog;
import io.segflow.collection.CollectionException;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Runs an {@link CollectionPipeline} for every collection of the catalog, including those created later. */
public final class CollectionPipelines implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CollectionPipelines.class);

    private final CollectionCatalog catalog;
    private final CollectionPipeline.Environment env;
    private final Map<String, CollectionPipeline> pipelines = new ConcurrentHashMap<>();
    private boolean closed;
    private final ExecutorService starter = Executors.newSingleThreadExecutor(
            new ThreadFactoryBuilder().setNameFormat("pipeline-starter").setDaemon(true).build());

    public CollectionPipelines(CollectionCatalog catalog, CollectionPipeline.Environment env) {
        this.catalog = catalog;
        this.env = env;
    }

    /** Starts a pipeline per collection now in the catalog, and one for each collection added later. */
    public void start() {
        catalog.list().forEach(spec -> ensure(spec.getName()));
        catalog.onChange(spec -> starter.execute(() -> ensure(spec.getName())));
    }

    /** The pipeline of {@code collection}, started if the collection exists and has none yet. */
    public synchronized CollectionPipeline ensure(String collection) {
        if (closed) {
            throw new IllegalStateException("the ingest pipelines are closed");
        }
        if (catalog.get(collection).isEmpty()) {
            throw new CollectionException(CollectionException.Kind.NOT_FOUND, "collection '" + collection + "' does not exist");
        }
        return pipelines.computeIfAbsent(collection, name -> {
            CollectionPipeline pipeline = new CollectionPipeline(name, () -> catalog.get(name).orElseThrow(), env);
            pipeline.start();
            log.info("started the ingest pipeline of {} ({})", name, CollectionPipeline.applicationId(name));
            return pipeline;
        });
    }

    /** Each collection's pipeline on this instance: its Kafka Streams state and whether it is ready, by name. */
    public synchronized Map<String, PipelineStatus> statuses() {
        Map<String, PipelineStatus> statuses = new TreeMap<>();
        pipelines.forEach((name, pipeline) -> statuses.put(name, new PipelineStatus(pipeline.state().name(), pipeline.ready())));
        return statuses;
    }

    /** What {@code /health} and {@code /ready} say of a collection's pipeline. */
    public record PipelineStatus(String state, boolean ready) {
    }

    /** For the health check: throws naming any pipeline that has stopped. */
    public int checkRunning() {
        pipelines.values().forEach(pipeline -> {
            KafkaStreams.State state = pipeline.state();
            if (state == KafkaStreams.State.ERROR || state == KafkaStreams.State.NOT_RUNNING
                    || state == KafkaStreams.State.PENDING_ERROR) {
                throw new IllegalStateException("the pipeline of " + pipeline.collection() + " is " + state);
            }
        });
        return pipelines.size();
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        starter.shutdownNow();
        MoreExecutors.shutdownAndAwaitTermination(starter, Duration.ofSeconds(10));
        pipelines.values().parallelStream().forEach(CollectionPipeline::close);
        pipelines.clear();
    }
}
