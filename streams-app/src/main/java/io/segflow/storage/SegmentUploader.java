package io.segflow.storage;

import io.segflow.segment.FlushResult;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.segflow.failpoint.Failpoints;
import io.segflow.metrics.IngestMetrics;
import io.segflow.schema.SegmentLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    public SegmentUploader(String name, ObjectStorage storage, SegmentFiles files, int threads, long initialBackoffMs,
                           long maxBackoffMs, IngestMetrics metrics) {
        this.storage = storage;
        this.files = files;
        this.initialBackoffMs = initialBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
        this.metrics = metrics;
        this.executor = Executors.newFixedThreadPool(threads,
                new ThreadFactoryBuilder().setNameFormat(name + "-upload-%d").setDaemon(true).build());
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
            String object = "";
            try {
                long start = System.nanoTime();
                SegmentFiles.Built built = files.build(job);
                long builtAt = System.nanoTime();
                boolean first = true;
                for (Map.Entry<String, byte[]> file : built.files().entrySet()) {
                    object = file.getKey();
                    storage.put(file.getKey(), file.getValue());
                    if (first) {
                        Failpoints.reach(job.level() == SegmentLevel.L0 ? Failpoints.L0_UPLOADED : Failpoints.UPLOAD_PARTIAL);
                        first = false;
                    }
                }
                log.info("{}: flushed segment {} of channel {}: {} rows, {} bytes in {} files; build {} ms, upload {} ms",
                        job.spec().getName(), job.segmentId(), job.channel(), built.result().rows(), built.result().bytes(),
                        built.files().size(), (builtAt - start) / 1_000_000, (System.nanoTime() - builtAt) / 1_000_000);
                return built.result();
            } catch (Exception e) {
                if (Thread.currentThread().isInterrupted()) {
                    return null;
                }
                metrics.uploadFailed();
                log.warn("cannot upload segment {} of channel {} of {} to s3://{}/{} (attempt {}): {}; retrying in {} ms",
                        job.segmentId(), job.channel(), job.spec().getName(), storage.bucket(), object, attempt, e.toString(), backoff);
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
    }
}
