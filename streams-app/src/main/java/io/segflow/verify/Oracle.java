package io.segflow.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.api.CollectionView;
import io.segflow.app.Endpoints;
import io.segflow.collection.CollectionDefinition;
import io.segflow.http.ApiClient;
import io.segflow.ingest.CollectionPipeline;
import io.segflow.produce.DmlProducer;
import io.segflow.produce.SyntheticWorkload;
import io.segflow.read.Metric;
import io.segflow.storage.ObjectStorage;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoublePredicate;
import java.util.stream.Collectors;

/**
 * The correctness oracle: a seeded random DML workload (inserts, duplicate inserts, deletes of
 * present and missing keys, upserts, re-inserts after delete, three partitions, rows born expired
 * under a TTL) produced to a new collection of a running instance, an in-memory {@link LiveModel}
 * of what it leaves, and at checkpoints a comparison of count, get by key (vectors included) and
 * exact top-k search between the instances' HTTP APIs and the model. Any difference fails with the
 * seed, so the run can be replayed. A plan may put a bulk import in the middle of the workload. The oracle knows the instances only by their endpoints, so
 * they may run in this JVM or in others, and a test may start, stop or crash them meanwhile.
 */
public final class Oracle {
    static final int DIM = 8;
    static final long TTL_MS = 3_600_000;
    private static final List<String> PARTITIONS = List.of(DmlSchemas.DEFAULT_PARTITION, "p1", "p2");
    /** How long the ingest may go without committing anything new before the oracle calls it stalled. */
    private static final Duration STALL = Duration.ofSeconds(90);
    private static final Duration SETTLE = Duration.ofSeconds(5);
    private static final Duration UNAVAILABLE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A workload: its seed, events, comparisons spread over it, the key space, and the rows of a
     * bulk import run a third of the way through (0: none; the target must reach the bucket).
     */
    public record Plan(long seed, int events, int checkpoints, int keys, int importRows) {
        public Plan(long seed, int events, int checkpoints, int keys) {
            this(seed, events, checkpoints, keys, 0);
        }
    }

    /**
     * Small segments flushed often, and every compaction type running every second or so with low
     * thresholds, rewrites spilling sorted runs to disk past 1 KB of rows, a reclaim deadline of
     * 20 s and garbage collection after 1 s: the answers must stay right while segments are
     * rewritten and their files deleted under the reads.
     */
    public static final Map<String, String> AGGRESSIVE_SETTINGS = Map.ofEntries(
            Map.entry("seal.capacity.bytes", "16384"), Map.entry("seal.lifetime.ms", "3000"), Map.entry("seal.idle.ms", "500"),
            Map.entry("seal.idle.min.bytes", "0"), Map.entry("seal.insert.log.rows", "64"), Map.entry("l0.flush.entries", "50"),
            Map.entry("l0.flush.age.ms", "1000"), Map.entry("seal.check.interval.ms", "100"), Map.entry("ingest.tick.ms", "20"),
            Map.entry("compaction.target.bytes", "49152"), Map.entry("compaction.worker.memory.bytes", "1024"),
            Map.entry("compaction.gone.ratio", "0.1"),
            Map.entry("compaction.l0.entries", "100"), Map.entry("compaction.l0.age.ms", "1000"),
            Map.entry("compaction.l0.interval.ms", "300"), Map.entry("compaction.mix.interval.ms", "500"),
            Map.entry("compaction.single.interval.ms", "700"), Map.entry("compaction.sort.interval.ms", "900"),
            Map.entry("compaction.clustering.interval.ms", "3000"), Map.entry("compaction.schema.bump.interval.ms", "2000"),
            Map.entry("delete.reclaim.deadline.ms", "20000"), Map.entry("gc.grace.ms", "1000"), Map.entry("gc.interval.ms", "300"),
            Map.entry("gc.orphan.interval.ms", "2000"), Map.entry("gc.orphan.grace.ms", "5000"));

    /** The instances under test: the services to produce to and the HTTP APIs to ask. */
    public interface Target {
        String kafka();

        String schemaRegistry();

        /** The instances' HTTP APIs; each question goes to one picked at random, which fans out to the others. */
        List<String> apis();

        /** Called once, halfway through the events and while they are produced: where a test moves channels around. */
        default void midway() throws Exception {
        }

        /** Writes an object into the deployment's bucket, for a plan with an import. */
        default void put(String object, byte[] bytes) throws Exception {
            throw new UnsupportedOperationException("this target cannot reach the bucket, so its plan cannot import");
        }

        /** One instance, left alone. */
        static Target of(Endpoints endpoints) {
            return of(endpoints, null);
        }

        /** One instance, left alone, and its bucket (null: none) for a plan with an import. */
        static Target of(Endpoints endpoints, ObjectStorage bucket) {
            return new Target() {
                @Override
                public void put(String object, byte[] bytes) throws Exception {
                    if (bucket == null) {
                        Target.super.put(object, bytes);
                    } else {
                        bucket.put(object, bytes);
                    }
                }

                @Override
                public String kafka() {
                    return endpoints.kafka();
                }

                @Override
                public String schemaRegistry() {
                    return endpoints.schemaRegistry();
                }

                @Override
                public List<String> apis() {
                    return List.of(endpoints.http());
                }
            };
        }
    }

    private final Target target;
    private final PrintStream log;

    public Oracle(Target target, PrintStream log) {
        this.target = target;
        this.log = log;
    }

    /** What a passed run did: the collection it made and how many comparisons it passed. */
    public record Outcome(String collection, int comparisons) {
    }

    /** Runs {@code plan}, or throws {@link VerificationFailure} at the first difference. */
    public Outcome run(Plan plan) throws Exception {
        log.printf("oracle: seed %d, %,d events, %d checkpoints, %,d keys%n", plan.seed(), plan.events(), plan.checkpoints(), plan.keys());
        String name = "verify_" + Long.toUnsignedString(plan.seed(), 36) + "_" + System.currentTimeMillis() % 100_000;
        CollectionDefinition definition = new CollectionDefinition(name, "INT64", DIM, 4,
                List.of(new CollectionDefinition.FieldDefinition("price", "DOUBLE")), PARTITIONS, "price", TTL_MS);
        CollectionSpec spec = JSON.treeToValue(api().post("/collections", definition), CollectionView.class).toSpec();
        SplittableRandom random = new SplittableRandom(plan.seed());
        LiveModel model = new LiveModel(TTL_MS);
        int comparisons = 0;
        try (DmlProducer producer = new DmlProducer(spec, Map.of("bootstrap.servers", target.kafka()),
                new RestSchemaRegistryClient(target.schemaRegistry()));
             Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, target.kafka()))) {
            int every = Math.max(1, plan.events() / plan.checkpoints());
            for (int i = 1; i <= plan.events(); i++) {
                send(random, plan.keys(), model, producer);
                if (i == plan.events() / 2) {
                    target.midway();
                }
                if (plan.importRows() > 0 && i == plan.events() / 3) {
                    producer.flush();
                    awaitCaughtUp(admin, spec);
                    importRows(name, random, plan, model);
                }
                if (i % every == 0 || i == plan.events()) {
                    producer.flush();
                    awaitCaughtUp(admin, spec);
                    comparisons += compare(name, model, random, plan);
                }
            }
        }
        log.printf("oracle: seed %d passed, %d comparisons, %d live rows%n", plan.seed(), comparisons, model.count(System.currentTimeMillis()));
        return new Outcome(name, comparisons);
    }

    private static void send(SplittableRandom random, int keys, LiveModel model, DmlProducer producer) {
        long pk = random.nextInt(keys);
        String partition = PARTITIONS.get(random.nextInt(PARTITIONS.size()));
        float[] vector = randomVector(random);
        double price = Math.round(random.nextDouble(0, 1000) * 100) / 100.0;
        // One row in twenty is born expired: its event time is twice the TTL ago.
        long ts = System.currentTimeMillis() - (random.nextInt(20) == 0 ? 2 * TTL_MS : 0);
        int dice = random.nextInt(100);
        DmlOp op = dice < 50 ? DmlOp.INSERT : dice < 75 ? DmlOp.DELETE : DmlOp.UPSERT;
        LiveModel.Row row = new LiveModel.Row(pk, partition, vector, price, ts);
        switch (op) {
            case INSERT -> model.insert(row);
            case DELETE -> model.delete(pk);
            case UPSERT -> model.upsert(row);
        }
        producer.send(new SyntheticWorkload.Event(op, pk, partition, vector, Map.of("price", price)), ts);
    }

    /**
     * A bulk import of rows (keys from the workload's space and beyond it, so some keys get a
     * second row) between two events: every event before it is taken in, so the import's position
     * comes after them all, and every later delete or upsert of a key applies to its imported row.
     */
    private void importRows(String collection, SplittableRandom random, Plan plan, LiveModel model) throws Exception {
        StringBuilder lines = new StringBuilder();
        List<LiveModel.Row> rows = new java.util.ArrayList<>();
        long ts = System.currentTimeMillis();
        for (int i = 0; i < plan.importRows(); i++) {
            long pk = random.nextInt(plan.keys() * 2);
            float[] vector = randomVector(random);
            double price = Math.round(random.nextDouble(0, 1000) * 100) / 100.0;
            rows.add(new LiveModel.Row(pk, PARTITIONS.get(1), vector, price, ts));
            lines.append(JSON.writeValueAsString(Map.of("pk", pk, "vector", vector, "price", price))).append('\n');
        }
        String path = "oracle-imports/" + collection + "/rows.jsonl";
        target.put(path, lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String id = api().post("/collections/" + collection + "/imports",
                Map.of("files", List.of(path), "format", "json", "partition", PARTITIONS.get(1))).path("importId").asText();
        long deadline = System.nanoTime() + UNAVAILABLE.toNanos() * 2;
        while (true) {
            JsonNode job = api().find("/collections/" + collection + "/imports/" + id).orElseGet(JSON::createObjectNode);
            String state = job.path("state").asText();
            if (state.equals("COMPLETED")) {
                break;
            }
            if (state.equals("FAILED") || System.nanoTime() > deadline) {
                throw new VerificationFailure(plan.seed(), "import " + id + " did not complete: " + job);
            }
            Thread.sleep(100);
        }
        rows.forEach(model::insert);
        log.printf("oracle: imported %,d rows (import %s)%n", rows.size(), id);
    }

    /**
     * Waits until the ingest application has committed every record of the DML topic. A restarted
     * instance replays and re-uploads before it commits again, which on a loaded machine takes a
     * while; so the wait fails only when no channel's committed offset has moved for {@link #STALL}.
     */
    private static void awaitCaughtUp(Admin admin, CollectionSpec spec) throws Exception {
        String topic = DmlSchemas.dmlTopic(spec.getName());
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int channel = 0; channel < spec.getChannels(); channel++) {
            latest.put(new TopicPartition(topic, channel), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = admin.listOffsets(latest).all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        long progressed = System.nanoTime();
        long lastCommitted = -1;
        while (true) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(CollectionPipeline.applicationId(spec.getName()))
                    .partitionsToOffsetAndMetadata().get();
            boolean caughtUp = ends.entrySet().stream().allMatch(end -> end.getValue() == 0
                    || (committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() >= end.getValue()));
            if (caughtUp) {
                return;
            }
            long total = committed.entrySet().stream().filter(e -> ends.containsKey(e.getKey())).mapToLong(e -> e.getValue().offset()).sum();
            if (total > lastCommitted) {
                lastCommitted = total;
                progressed = System.nanoTime();
            } else if (System.nanoTime() - progressed > STALL.toNanos()) {
                throw new IllegalStateException("the ingest of " + spec.getName() + " committed nothing for " + STALL
                        + ": ends " + ends + ", committed " + committed);
            }
            Thread.sleep(50);
        }
    }

    /** Count, sampled gets and searches; each retried for a short while, as the stores reflect a commit a tick later. */
    private int compare(String collection, LiveModel model, SplittableRandom random, Plan plan) throws Exception {
        int comparisons = 0;
        settle(plan, "count", () -> {
            long now = System.currentTimeMillis();
            long expected = model.count(now);
            long actual = api().get("/collections/" + collection + "/count").path("count").asLong(-1);
            return expected == actual ? null : "count: expected " + expected + ", got " + actual;
        });
        comparisons++;
        for (int i = 0; i < 20; i++) {
            long pk = random.nextInt(plan.keys());
            settle(plan, "get " + pk, () -> compareGet(collection, model, pk));
            comparisons++;
        }
        for (Metric metric : Metric.values()) {
            float[] query = randomVector(random);
            settle(plan, "search " + metric, () -> compareSearch(collection, model, query, metric, Map.of(), price -> true));
            comparisons++;
        }
        // A price range: L2 segments clustered by price outside it are skipped, and must not hold a hit.
        double low = Math.floor(random.nextDouble(0, 750));
        float[] query = randomVector(random);
        settle(plan, "search in a price range", () -> compareSearch(collection, model, query, Metric.L2,
                Map.of("price", Map.of("gte", low, "lt", low + 250)), price -> price >= low && price < low + 250));
        return comparisons + 1;
    }

    /** A row's vector or a query: DIM values in [-1, 1). */
    private static float[] randomVector(SplittableRandom random) {
        float[] vector = new float[DIM];
        for (int d = 0; d < DIM; d++) {
            vector[d] = (float) random.nextDouble(-1, 1);
        }
        return vector;
    }

    private String compareGet(String collection, LiveModel model, long pk) throws Exception {
        List<LiveModel.Row> expected = model.get(pk, System.currentTimeMillis());
        JsonNode answer = api().find("/collections/" + collection + "/rows/" + pk).orElseGet(JSON::createObjectNode);
        List<JsonNode> actual = new ArrayList<>();
        answer.path("rows").forEach(actual::add);
        if (expected.size() != actual.size()) {
            return "key " + pk + ": expected " + expected.size() + " live rows, got " + actual.size();
        }
        for (int i = 0; i < expected.size(); i++) {
            LiveModel.Row want = expected.get(i);
            JsonNode got = actual.get(i);
            float[] vector = JSON.convertValue(got.path("vector"), float[].class);
            if (!Arrays.equals(want.vector(), vector) || !want.partition().equals(got.path("partition").asText())
                    || want.price() != got.path("fields").path("price").asDouble(Double.NaN)) {
                return "key " + pk + ": row " + i + " differs: expected " + want.partition() + " " + want.price() + " "
                        + Arrays.toString(want.vector()) + ", got " + got;
            }
        }
        return null;
    }

    private String compareSearch(String collection, LiveModel model, float[] query, Metric metric, Map<String, Object> filter,
                                 DoublePredicate price) throws Exception {
        List<LiveModel.Hit> expected = model.search(query, 10, metric, price, System.currentTimeMillis());
        JsonNode answer = api().post("/collections/" + collection + "/search",
                Map.of("vector", query, "k", 10, "metric", metric.name(), "filter", filter));
        List<JsonNode> hits = new ArrayList<>();
        answer.path("hits").forEach(hits::add);
        for (int i = 0; i < Math.max(expected.size(), hits.size()); i++) {
            if (i >= expected.size() || i >= hits.size()) {
                return "search " + metric + ": expected " + expected.size() + " hits, got " + hits.size();
            }
            LiveModel.Hit want = expected.get(i);
            JsonNode got = hits.get(i);
            if (want.pk() != got.path("pk").asLong() || Math.abs(want.distance() - got.path("distance").asDouble()) > 1e-9) {
                return "search " + metric + ": hit " + i + " expected key " + want.pk() + " at " + want.distance() + ", got " + got;
            }
        }
        return null;
    }

    private interface Check {
        String difference() throws Exception;
    }

    /**
     * Asks until the answer matches. A wrong answer may last {@link #SETTLE} (a commit shows in
     * the stores a tick later); an instance may fail to answer (restarting, restoring its stores,
     * channels moving) for {@link #UNAVAILABLE}. Longer is a failure.
     */
    private void settle(Plan plan, String what, Check check) throws Exception {
        long start = System.nanoTime();
        long wrongSince = -1;
        while (true) {
            String difference;
            try {
                difference = check.difference();
            } catch (IllegalStateException e) {
                if (System.nanoTime() - start > UNAVAILABLE.toNanos()) {
                    throw new VerificationFailure(plan.seed(), what + " failed for " + UNAVAILABLE + ": " + e);
                }
                wrongSince = -1;
                Thread.sleep(100);
                continue;
            }
            if (difference == null) {
                return;
            }
            wrongSince = wrongSince < 0 ? System.nanoTime() : wrongSince;
            if (System.nanoTime() - wrongSince > SETTLE.toNanos()) {
                throw new VerificationFailure(plan.seed(), difference);
            }
            Thread.sleep(50);
        }
    }

    /** A client of one of the instances, picked at random. */
    private ApiClient api() {
        List<String> apis = target.apis();
        return new ApiClient(apis.get(ThreadLocalRandom.current().nextInt(apis.size())));
    }
}
