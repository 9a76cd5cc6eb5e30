package io.segflow.imports;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.segflow.ingest.ImportDriver;
import io.segflow.kafka.CompactedTopicLog;
import io.segflow.kafka.Topics;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.ImportJob;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.schema.serde.AvroSerdes;
import org.apache.kafka.common.serialization.Serde;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Every collection's bulk import jobs: submitted on any instance, kept in a compacted topic
 * (read back whole by every instance, so any of them answers for any job), and run one at a
 * time per collection by the instance that holds the collection's channel 0 ({@link ImportDriver}).
 */
public final class ImportService implements ImportDriver, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ImportService.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final String topic;
    private final Serde<ImportJob> serde;
    private final Function<String, Optional<CollectionSpec>> specs;
    private final ImportParts parts;
    private final ImportSettings settings;
    private final Clock clock;
    private final Map<String, ImportJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, ImportRunner> running = new ConcurrentHashMap<>();
    private final ExecutorService runners = Executors.newCachedThreadPool(
            new ThreadFactoryBuilder().setNameFormat("import-%d").setDaemon(true).build());
    private CompactedTopicLog topicLog;

    private ImportService(SchemaRegistryClient registry, Function<String, Optional<CollectionSpec>> specs, ImportParts parts,
                          ImportSettings settings, Clock clock) {
        this.topic = settings.topic();
        this.serde = AvroSerdes.specific(registry, ImportJob.class);
        this.specs = specs;
        this.parts = parts;
        this.settings = settings;
        this.clock = clock;
    }

    public static ImportService open(Topics topics, SchemaRegistryClient registry, Function<String, Optional<CollectionSpec>> specs,
                                     ImportParts parts, ImportSettings settings, Clock clock) {
        ImportService service = new ImportService(registry, specs, parts, settings, clock);
        service.topicLog = CompactedTopicLog.open(topics, settings.topic(), service::apply, TIMEOUT);
        return service;
    }

    private static String key(String collection, String importId) {
        return collection + "/" + importId;
    }

    private void apply(byte[] key, byte[] value) {
        String name = new String(key, StandardCharsets.UTF_8);
        if (value == null) {
            jobs.remove(name);
            return;
        }
        ImportJob job = serde.deserializer().deserialize(topic, value);
        jobs.merge(name, job, (known, next) -> ImportJobs.supersedes(next, known) ? next : known);
    }

    /**
     * Creates a PENDING job for {@code request}, or returns the job its idempotency key already
     * names. The files themselves are checked when the job starts, before it writes any row.
     */
    public ImportJob submit(String collection, ImportRequest request) {
        CollectionSpec spec = specs.apply(collection).orElseThrow(() -> new IllegalArgumentException("no collection " + collection));
        request.validate(spec);
        String id = ImportIds.jobId(collection, request.idempotencyKey());
        topicLog.readToEnd(TIMEOUT);
        ImportJob known = jobs.get(key(collection, id));
        if (known != null) {
            return known;
        }
        ImportJob job = ImportJobs.pending(collection, id, request, clock.millis());
        record(job);
        log.info("{}: import {} of {} {} files submitted", collection, id, job.getFiles().size(), job.getFormat());
        return jobs.getOrDefault(key(collection, id), job);
    }

    public Optional<ImportJob> job(String collection, String importId) {
        return Optional.ofNullable(jobs.get(key(collection, importId)));
    }

    /** The collection's jobs, oldest first. */
    public List<ImportJob> jobs(String collection) {
        return jobs.values().stream().filter(job -> job.getCollection().equals(collection))
                .sorted(Comparator.comparingLong(ImportJob::getCreatedMs).thenComparing(ImportJob::getImportId)).toList();
    }

    /** Stores the job's new version and returns once this instance reads it back. */
    void record(ImportJob job) {
        topicLog.append(key(job.getCollection(), job.getImportId()).getBytes(StandardCharsets.UTF_8),
                serde.serializer().serialize(topic, job), TIMEOUT);
    }

    @Override
    public void drive(String collection, long nowMs) {
        if (running.containsKey(collection)) {
            return;
        }
        List<ImportJob> all = jobs(collection);
        List<ImportJob> expired = all.stream().filter(job -> ImportJobs.expired(job, nowMs, settings.retentionMs())).toList();
        Optional<ImportJob> next = all.stream().filter(job -> !ImportJobs.finished(job)).findFirst();
        if (next.isEmpty() && expired.isEmpty()) {
            return;
        }
        ImportRunner runner = new ImportRunner(next.orElse(null), specs, parts, settings, this, clock);
        running.put(collection, runner);
        runners.execute(() -> {
            try {
                expired.forEach(job -> forget(job));
                runner.run();
            } catch (RuntimeException e) {
                log.error("{}: import runner stopped: {}", collection, e.getMessage(), e);
            } finally {
                running.remove(collection, runner);
                runner.stopped();
            }
        });
    }

    private void forget(ImportJob job) {
        topicLog.append(key(job.getCollection(), job.getImportId()).getBytes(StandardCharsets.UTF_8), null, TIMEOUT);
        log.info("{}: import {} ({}) forgotten after {} ms", job.getCollection(), job.getImportId(), job.getState(), settings.retentionMs());
    }

    @Override
    public void release(String collection) {
        ImportRunner runner = running.get(collection);
        if (runner != null) {
            runner.cancel();
            if (!runner.awaitStopped(STOP_WAIT)) {
                log.warn("{}: import runner still stopping after {}", collection, STOP_WAIT);
            }
        }
    }

    @Override
    public void close() {
        running.values().forEach(ImportRunner::cancel);
        running.values().forEach(runner -> runner.awaitStopped(STOP_WAIT));
        runners.shutdownNow();
        if (topicLog != null) {
            topicLog.close();
        }
    }
}
