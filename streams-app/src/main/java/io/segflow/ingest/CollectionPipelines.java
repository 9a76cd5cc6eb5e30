package io.segflow.ingest;

import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.segflow.collection.CollectionCatalog;
import io.micrometer.core.instrument.Gauge;
import io.segflow.collection.CollectionException;
import io.segflow.metrics.SegflowMeter;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs, for every collection of the catalog (including those created later), the applications
 * this instance's {@link Role} names: the ingest {@link CollectionPipeline}, the
 * {@link CompactorPipeline}, or both.
 */
public final class CollectionPipelines implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CollectionPipelines.class);

    private final CollectionCatalog catalog;
    private final CollectionPipeline.Environment env;
    private final Role role;
    private final Map<String, CollectionPipeline> pipelines = new ConcurrentHashMap<>();
    private final Map<String, CompactorPipeline> compactors = new ConcurrentHashMap<>();
    private boolean closed;
    private final ExecutorService starter = Executors.newSingleThreadExecutor(
            new ThreadFactoryBuilder().setNameFormat("pipeline-starter").setDaemon(true).build());

    public CollectionPipelines(CollectionCatalog catalog, CollectionPipeline.Environment env, Role role) {
        this.catalog = catalog;
        this.env = env;
        this.role = role;
        Gauge.builder(SegflowMeter.READY.meterName(), this, pipelines -> pipelines.ready() ? 1 : 0)
                .description(SegflowMeter.READY.description()).register(env.meters());
    }

    public Role role() {
        return role;
    }

    /** Starts a pipeline per collection now in the catalog, and one for each collection added later. */
    public void start() {
        catalog.list().forEach(spec -> run(spec.getName()));
        catalog.onChange(spec -> starter.execute(() -> run(spec.getName())));
    }

    /** Starts the applications of {@code collection} this instance's role names, where not yet started. */
    private synchronized void run(String collection) {
        if (closed || catalog.get(collection).isEmpty()) {
            return;
        }
        if (role.ingests()) {
            ingest(collection);
        }
        if (role.compacts()) {
            compactors.computeIfAbsent(collection, name -> {
                CompactorPipeline compactor = new CompactorPipeline(name, () -> catalog.get(name).orElseThrow(), env);
                compactor.start();
                log.info("started the compactor of {} ({})", name, CompactorPipeline.applicationId(name));
                return compactor;
            });
        }
    }

    /**
     * The ingest pipeline of {@code collection}, its applications started if the collection exists and has none yet.
     * Refused on an instance of role {@code compactor}, which holds none of a collection's data.
     */
    public synchronized CollectionPipeline ensure(String collection) {
        if (closed) {
            throw new IllegalStateException("the ingest pipelines are closed");
        }
        if (catalog.get(collection).isEmpty()) {
            throw new CollectionException(CollectionException.Kind.NOT_FOUND, "collection '" + collection + "' does not exist");
        }
        if (!role.ingests()) {
            throw new CollectionException(CollectionException.Kind.NOT_SERVED, "this instance runs the compactor role; the data of '"
                    + collection + "' is served by instances of role all or ingest");
        }
        run(collection);
        return pipelines.get(collection);
    }

    private CollectionPipeline ingest(String collection) {
        return pipelines.computeIfAbsent(collection, name -> {
            CollectionPipeline pipeline = new CollectionPipeline(name, () -> catalog.get(name).orElseThrow(), env);
            pipeline.start();
            log.info("started the ingest pipeline of {} ({})", name, CollectionPipeline.applicationId(name));
            return pipeline;
        });
    }

    /** The collections whose ingest pipeline runs here. */
    public Set<String> ingesting() {
        return Set.copyOf(pipelines.keySet());
    }

    /** Whether every application of every collection on this instance is ready: what {@code /ready} and {@code segflow_ready} say. */
    public boolean ready() {
        return allReady(statuses());
    }

    public static boolean allReady(Map<String, PipelineStatus> statuses) {
        return statuses.values().stream().allMatch(PipelineStatus::ready);
    }

    /** Each collection's applications on this instance: their Kafka Streams states and whether all are ready, by name. */
    public synchronized Map<String, PipelineStatus> statuses() {
        Map<String, PipelineStatus> statuses = new TreeMap<>();
        Set<String> names = new TreeSet<>(pipelines.keySet());
        names.addAll(compactors.keySet());
        for (String name : names) {
            Map<String, String> applications = new TreeMap<>();
            boolean ready = true;
            CollectionPipeline pipeline = pipelines.get(name);
            if (pipeline != null) {
                applications.put(CollectionPipeline.applicationId(name), pipeline.state().name());
                ready = pipeline.ready();
            }
            CompactorPipeline compactor = compactors.get(name);
            if (compactor != null) {
                applications.put(CompactorPipeline.applicationId(name), compactor.state().name());
                ready &= compactor.ready();
            }
            String state = applications.values().stream().filter(s -> !s.equals(KafkaStreams.State.RUNNING.name())).findFirst()
                    .orElse(KafkaStreams.State.RUNNING.name());
            statuses.put(name, new PipelineStatus(state, ready, applications,
                    pipeline == null ? Set.of() : new TreeSet<>(pipeline.localChannels()),
                    pipeline == null ? Set.of() : new TreeSet<>(pipeline.standbyChannels())));
        }
        return statuses;
    }

    /**
     * What {@code /health} and {@code /ready} say of a collection on this instance.
     *
     * @param state           RUNNING when every application is, else the state of one that is not
     * @param applications    the state of each Kafka Streams application, by application id
     * @param activeChannels  channels whose ingest task is active here
     * @param standbyChannels channels of which this instance keeps a standby copy
     */
    public record PipelineStatus(String state, boolean ready, Map<String, String> applications, Set<Integer> activeChannels,
                                 Set<Integer> standbyChannels) {
    }

    /** For the health check: throws naming any application that has stopped. */
    public int checkRunning() {
        Map<String, PipelineStatus> statuses = statuses();
        statuses.values().forEach(status -> status.applications().forEach((application, state) -> {
            if (state.equals(KafkaStreams.State.ERROR.name()) || state.equals(KafkaStreams.State.NOT_RUNNING.name())
                    || state.equals(KafkaStreams.State.PENDING_ERROR.name())) {
                throw new IllegalStateException(application + " is " + state);
            }
        }));
        return statuses.size();
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
        compactors.values().parallelStream().forEach(CompactorPipeline::close);
        compactors.clear();
    }
}
