package io.segflow.catalog;

import io.segflow.http.HttpError;
import io.segflow.ingest.IngestPipeline;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/** Runs an interactive query, waiting out a (re)balance for a while as interactive queries must. */
public final class Queryable {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private Queryable() {
    }

    public static <T> T query(IngestPipeline pipeline, Supplier<T> query) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return query.get();
            } catch (InvalidStateStoreException e) {
                if (System.nanoTime() > deadline) {
                    throw new HttpError(503, Map.of("error", "the stores of " + pipeline.collection() + " are not queryable ("
                            + pipeline.state() + "): " + e.getMessage()));
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
