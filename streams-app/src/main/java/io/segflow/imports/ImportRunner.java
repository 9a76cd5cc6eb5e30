package io.segflow.imports;

import io.segflow.failpoint.Failpoints;
import io.segflow.ingest.ImportMarkers;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.ImportJob;
import io.segflow.schema.ImportState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Runs one import job to its end, or until it is cancelled (its instance gave up channel 0):
 * checks every file against the collection before anything is written, takes the job's
 * positions, routes and writes the rows, then commits every channel. A job it finds IMPORTING
 * (a previous owner stopped mid-way) it runs again from its recorded positions, writing the same
 * segments; channels that had already committed ignore the repeat. A file that does not match
 * fails the job, and the channels drop what it wrote.
 */
final class ImportRunner {
    private static final Logger log = LoggerFactory.getLogger(ImportRunner.class);
    private static final long COMMIT_POLL_MS = 50;
    /** Segments encoded and put at once while the runner reads on: the cores, as a flush's uploads use them. */
    private static final int BUILDERS = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final ImportJob start;
    private final Function<String, Optional<CollectionSpec>> specs;
    private final ImportParts parts;
    private final ImportSettings settings;
    private final ImportService jobs;
    private final Clock clock;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean cancelled;

    /** @param start the job to run, or null for a runner with nothing to run */
    ImportRunner(ImportJob start, Function<String, Optional<CollectionSpec>> specs, ImportParts parts, ImportSettings settings,
                 ImportService jobs, Clock clock) {
        this.start = start;
        this.specs = specs;
        this.parts = parts;
        this.settings = settings;
        this.jobs = jobs;
        this.clock = clock;
    }

    void cancel() {
        cancelled = true;
    }

    void stopped() {
        stopped.countDown();
    }

    boolean awaitStopped(Duration timeout) {
        try {
            return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Thrown out of the row loop once the runner is cancelled: the job stays as recorded, for the next owner. */
    private static final class Cancelled extends RuntimeException {
        Cancelled() {
            super(null, null, false, false);
        }
    }

    void run() {
        if (start == null) {
            return;
        }
        ImportJob job = start;
        String collection = job.getCollection();
        int file = -1;
        try {
            CollectionSpec spec = specs.apply(collection).orElseThrow(() -> new IllegalStateException("collection " + collection + " is gone"));
            ImportFormat format = ImportFormat.of(job.getFormat());
            if (job.getState() == ImportState.PENDING) {
                long known = 0;
                for (file = 0; file < job.getFiles().size(); file++) {
                    try (RowReader rows = RowReaders.open(format, spec, parts.storage(), job.getFiles().get(file).getPath())) {
                        known += Math.max(0, rows.knownRows());
                    }
                }
                file = -1;
                checkCancelled();
                Map<Integer, Long> positions = parts.control().send(collection, channels(spec),
                        ImportMarkers.headers(job.getImportId(), ImportMarkers.Step.BEGIN));
                job = record(ImportJobs.started(job, positions, known, clock.millis()));
                log.info("{}: import {} started at positions {}", collection, job.getImportId(), positions);
            } else {
                log.info("{}: import {} resumed at positions {}", collection, job.getImportId(), job.getPositions());
            }
            job = write(spec, format, job);
            Map<Integer, Long> commits = new TreeMap<>();
            for (int channel : ImportJobs.positions(job).keySet()) {
                checkCancelled();
                commits.put(channel, parts.control().send(collection, channel,
                        ImportMarkers.headers(job.getImportId(), ImportMarkers.Step.COMMIT), null));
                Failpoints.reach(Failpoints.IMPORT_COMMITTING);
            }
            awaitCommitted(job, commits);
            job = record(ImportJobs.completed(job, clock.millis()));
            log.info("{}: import {} completed: {} rows", collection, job.getImportId(), job.getTotalRows());
        } catch (Cancelled e) {
            log.info("{}: import {} stopped here; the next owner of channel 0 resumes it", collection, job.getImportId());
        } catch (ImportFileException e) {
            fail(job, indexOf(job, e.path(), file), e.getMessage());
        } catch (Exception e) {
            if (!cancelled) {
                fail(job, file, "the import could not go on: " + e);
            }
        }
    }

    private ImportJob write(CollectionSpec spec, ImportFormat format, ImportJob job) throws Exception {
        String collection = job.getCollection();
        String id = job.getImportId();
        ExecutorService builders = Executors.newFixedThreadPool(BUILDERS, r -> {
            Thread thread = new Thread(r, "import-build-" + collection);
            thread.setDaemon(true);
            return thread;
        });
        try {
            ImportSegments segments = new ImportSegments(spec, id, job.getPartition(), ImportJobs.positions(job), parts.files(),
                    parts.storage()::put, builders, BUILDERS, settings.segmentBytes(), parts.segmentRows(), job.getCreatedMs(), segment -> {
                        checkCancelled();
                        parts.control().send(collection, segment.getChannel(),
                                ImportMarkers.headers(id, ImportMarkers.Step.SEGMENT), ImportMarkers.value(segment));
                        Failpoints.reach(Failpoints.IMPORT_SEGMENT);
                    });
            for (int file = 0; file < job.getFiles().size(); file++) {
                long count = 0;
                try (RowReader rows = RowReaders.open(format, spec, parts.storage(), job.getFiles().get(file).getPath())) {
                    for (ImportRow row = rows.next(); row != null; row = rows.next()) {
                        checkCancelled();
                        segments.add(row);
                        if (++count % settings.progressRows() == 0) {
                            job = record(ImportJobs.progress(job, file, count, false, clock.millis()));
                        }
                    }
                }
                job = record(ImportJobs.progress(job, file, count, true, clock.millis()));
            }
            segments.finish();
            return job;
        } finally {
            builders.shutdownNow();
        }
    }

    /**
     * Waits until every channel's task has committed its commit marker: the job's segments are
     * Flushed in every channel's stores, so a COMPLETED job's rows are visible to every read after.
     */
    private void awaitCommitted(ImportJob job, Map<Integer, Long> commits) throws InterruptedException {
        while (true) {
            checkCancelled();
            try {
                Map<Integer, Long> committed = parts.committed().offsets(job.getCollection());
                if (commits.entrySet().stream().allMatch(c -> committed.getOrDefault(c.getKey(), -1L) > c.getValue())) {
                    return;
                }
            } catch (Exception e) {
                log.info("{}: import {}: cannot read the committed offsets yet ({}); trying again", job.getCollection(), job.getImportId(),
                        e.getMessage());
            }
            Thread.sleep(COMMIT_POLL_MS);
        }
    }

    private void fail(ImportJob job, int file, String reason) {
        String collection = job.getCollection();
        log.warn("{}: import {} failed: {}", collection, job.getImportId(), reason);
        try {
            for (int channel : ImportJobs.positions(job).keySet()) {
                parts.control().send(collection, channel, ImportMarkers.headers(job.getImportId(), ImportMarkers.Step.ABORT), null);
            }
            record(ImportJobs.failed(job, file, reason, clock.millis()));
        } catch (Exception e) {
            log.error("{}: import {}: cannot record its failure ({}); the next owner of channel 0 runs it again", collection,
                    job.getImportId(), e.getMessage(), e);
        }
    }

    private ImportJob record(ImportJob job) {
        jobs.record(job);
        return job;
    }

    private void checkCancelled() {
        if (cancelled) {
            throw new Cancelled();
        }
    }

    private static java.util.List<Integer> channels(CollectionSpec spec) {
        return IntStream.range(0, spec.getChannels()).boxed().collect(Collectors.toList());
    }

    /** The index of the job's file {@code path} names (a NumPy array names a file inside its folder), else {@code fallback}. */
    private static int indexOf(ImportJob job, String path, int fallback) {
        for (int i = 0; i < job.getFiles().size(); i++) {
            String file = job.getFiles().get(i).getPath();
            if (path.equals(file) || path.startsWith(file.endsWith("/") ? file : file + "/")) {
                return i;
            }
        }
        return fallback;
    }
}
