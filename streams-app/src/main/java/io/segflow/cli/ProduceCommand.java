package io.segflow.cli;

import com.google.common.util.concurrent.RateLimiter;
import io.segflow.api.CollectionView;
import io.segflow.http.ApiClient;
import io.segflow.produce.DmlProducer;
import io.segflow.produce.SyntheticWorkload;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.apache.kafka.clients.CommonClientConfigs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code segflow produce}: writes synthetic DML to a collection. */
@Command(name = "produce", mixinStandardHelpOptions = true,
        description = "Write synthetic DML (inserts, deletes and upserts of earlier keys, seeded random vectors) to COLLECTION.dml.")
final class ProduceCommand implements Callable<Integer> {
    @Mixin
    ApiOption api;

    @Parameters(index = "0", defaultValue = "demo", description = "Collection (default ${DEFAULT-VALUE}).")
    String collection;

    @Option(names = "--rows", defaultValue = "100000", description = "Events to write (default ${DEFAULT-VALUE}).")
    long rows;

    @Option(names = "--rate", defaultValue = "0", description = "Events per second; 0 (default) is as fast as possible.")
    double rate;

    @Option(names = "--seed", description = "Seed of the workload (default: random, printed).")
    Long seed;

    @Option(names = "--delete-ratio", defaultValue = "0.1", description = "Share of deletes of live keys (default ${DEFAULT-VALUE}).")
    double deleteRatio;

    @Option(names = "--upsert-ratio", defaultValue = "0.1", description = "Share of upserts of live keys (default ${DEFAULT-VALUE}).")
    double upsertRatio;

    @Option(names = "--start-pk", defaultValue = "0", description = "First primary key inserted (default ${DEFAULT-VALUE}).")
    long startPk;

    @Option(names = "--bootstrap-servers", defaultValue = "${env:SEGFLOW_KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
            description = "Kafka (default ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--schema-registry", defaultValue = "${env:SEGFLOW_SCHEMA_REGISTRY_URL:-http://127.0.0.1:8081}",
            description = "Schema Registry (default ${DEFAULT-VALUE}).")
    String schemaRegistry;

    @Override
    public Integer call() {
        CollectionSpec spec = ApiClient.JSON.convertValue(api.client().get("/collections/" + collection), CollectionView.class).toSpec();
        long workloadSeed = seed == null ? System.nanoTime() : seed;
        System.err.println("producing " + rows + " events to " + collection + ".dml with seed " + workloadSeed);
        SyntheticWorkload workload = new SyntheticWorkload(spec, workloadSeed, deleteRatio, upsertRatio, startPk);
        RateLimiter limiter = rate > 0 ? RateLimiter.create(rate) : null;
        Map<DmlOp, Long> counts = new EnumMap<>(DmlOp.class);
        long start = System.nanoTime();
        try (ProgressBar progress = progressBar();
             DmlProducer producer = new DmlProducer(spec, Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers),
                     new RestSchemaRegistryClient(schemaRegistry))) {
            for (long i = 0; i < rows; i++) {
                if (limiter != null) {
                    limiter.acquire();
                }
                SyntheticWorkload.Event event = workload.next();
                producer.send(event);
                counts.merge(event.op(), 1L, Long::sum);
                if (progress != null) {
                    progress.stepTo(i + 1);
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("produced %d events to %s.dml in %.1f s (%.0f events/s): %s; %d keys live%n",
                rows, collection, seconds, rows / seconds, counts, workload.liveCount());
        return 0;
    }

    /** A progress bar on a terminal only; piped output stays clean. */
    private ProgressBar progressBar() {
        return System.console() == null ? null
                : new ProgressBarBuilder().setTaskName("produce " + collection).setInitialMax(rows).setUnit(" events", 1).build();
    }
}
