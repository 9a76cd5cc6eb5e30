package io.segflow.storage;

import io.segflow.segment.FlushResult;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.segflow.failpoint.Failpoints;
import io.segflow.metrics.IngestMetrics;
import io.segflow.schema.SegmentLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Writes segments' files to object storage off the stream thread. A failed attempt (S3 down,
 * 5xx, timeout) is retried with exponential backoff until it succeeds or the job is cancelled
 * (its task closed: the next owner of the channel uploads again); the files' paths are
 * deterministic, so a retry overwrites. Only a completed upload is reported.
 */
public final class SegmentUploader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SegmentUploader.class);

    private final ObjectStorage storage;
    private final SegmentFiles files;
    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private final IngestMetrics metrics;
    private final ExecutorService executor;
    /** One put in flight per upload thread at most, so that a job never waits for a put behind another job's. */
    private final ExecutorService puts;

    public SegmentUploader(String name, ObjectStorage storage, SegmentFiles files, int threads, long initialBackoffMs,
                           long maxBackoffMs, IngestMetrics metrics) {
        this.storage = storage;
        this.files = files;
        this.initialBackoffMs = initialBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
        this.metrics = metrics;
        this.executor = Executors.newFixedThreadPool(threads,
                new ThreadFactoryBuilder().setNameFormat(name + "-upload-%d").setDaemon(true).build());
        this.puts = Executors.newFixedThreadPool(threads,
                new ThreadFactoryBuilder().setNameFormat(name + "-upload-put-%d").setDaemon(true).build());
    }

    /** Uploads {@code job}'s files, then hands what was written to {@code onDone} (on an upload thread). */
    public Future<?> submit(FlushJob job, Consumer<FlushResult> onDone) {
        return executor.submit(() -> {
            FlushResult result = uploadWithRetries(job);
            if (result != null) {
                onDone.accept(result);
            }
        });
    }

    private FlushResult uploadWithRetries(FlushJob job) {
        long backoff = initialBackoffMs;
        for (int attempt = 1; !Thread.currentThread().isInterrupted(); attempt++) {
            AtomicBoolean first = new AtomicBoolean(true);
            WriteBehind.Put put = (path, bytes) -> {
                try {
                    storage.put(path, bytes);
                } catch (Exception e) {
                    throw new IOException("s3://" + storage.bucket() + "/" + path + ": " + e, e);
                }
                if (first.getAndSet(false)) {
                    Failpoints.reach(job.level() == SegmentLevel.L0 ? Failpoints.L0_UPLOADED : Failpoints.UPLOAD_PARTIAL);
                }
            };
            try (WriteBehind writes = new WriteBehind(put, puts, 1)) {
                long start = System.nanoTime();
                FlushResult result = files.build(job, writes::put);
                writes.await();
                log.info("{}: flushed segment {} of channel {}: {} rows, {} bytes in {} files in {} ms", job.spec().getName(),
                        job.segmentId(), job.channel(), result.rows(), result.bytes(), result.insertLogs().size()
                                + result.deltaLogs().size() + (result.statsLog() == null ? 0 : 1),
                        (System.nanoTime() - start) / 1_000_000);
                return result;
            } catch (Exception e) {
                if (Thread.currentThread().isInterrupted()) {
                    return null;
                }
                metrics.uploadFailed();
                log.warn("cannot upload segment {} of channel {} of {} (attempt {}): {}; retrying in {} ms",
                        job.segmentId(), job.channel(), job.spec().getName(), attempt, e.toString(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
                backoff = Math.min(maxBackoffMs, backoff * 2);
            }
        }
        return null;
    }

    @Override
    public void close() {
        executor.shutdownNow();
        MoreExecutors.shutdownAndAwaitTermination(executor, Duration.ofSeconds(10));
        puts.shutdownNow();
        MoreExecutors.shutdownAndAwaitTermination(puts, Duration.ofSeconds(10));
    }
}
