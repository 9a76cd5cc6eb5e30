package io.segflow.fanout;

import io.segflow.ingest.CollectionPipeline;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

import java.time.Duration;
import java.util.function.Supplier;

/** Runs an interactive query, waiting out a (re)balance for a while as interactive queries must. */
public final class Queryable {
    private static final Duration WAIT = Duration.ofSeconds(15);

    private Queryable() {
    }

    public static <T> T query(CollectionPipeline pipeline, Supplier<T> query) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            try {
                return query.get();
            } catch (InvalidStateStoreException e) {
                if (System.nanoTime() > deadline) {
                    throw new InvalidStateStoreException("the stores of " + pipeline.collection() + " are not queryable ("
                            + pipeline.state() + "): " + e.getMessage(), e);
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
