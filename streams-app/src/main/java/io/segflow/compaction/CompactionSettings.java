package io.segflow.compaction;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.CompactionType;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of compaction and garbage collection, declared once. Milvus's defaults (1 GB target,
 * 20% deleted, L0 compaction at 300k entries) are scaled down for a single machine; the reclaim
 * deadline is Segflow's own.
 *
 * @param intervalsMs       how often each trigger policy runs, by {@link CompactionType} ordinal; 0 never
 * @param workerMemoryBytes rows a rewrite holds in memory (encoded size) before it spills a sorted run to disk
 * @param readAheadObjects  insert logs a rewrite fetches ahead of the one it decodes
 */
public record CompactionSettings(boolean enabled, CompactionThresholds thresholds, long[] intervalsMs, int workers,
                                 long workerMemoryBytes, int maxAttempts, long l0TimeoutMs, long rewriteTimeoutMs, long clusteringTimeoutMs,
                                 long gcIntervalMs, long gcGraceMs, long orphanIntervalMs, long orphanGraceMs, long historyMs,
                                 long ioBytesPerSecond, int readAheadObjects) {
    public static final String ENABLED = "compaction.enabled";
    public static final String TARGET_BYTES = "compaction.target.bytes";
    public static final String SMALL_FRACTION = "compaction.small.fraction";
    public static final String GONE_RATIO = "compaction.gone.ratio";
    public static final String DELTA_BYTES = "compaction.delta.bytes";
    public static final String DELTA_LOGS = "compaction.delta.logs";
    public static final String JITTER = "compaction.jitter";
    public static final String L0_ENTRIES = "compaction.l0.entries";
    public static final String L0_AGE_MS = "compaction.l0.age.ms";
    public static final String MAX_PLANS = "compaction.max.plans.per.trigger";
    public static final String RECLAIM_DEADLINE_MS = "delete.reclaim.deadline.ms";
    public static final String L0_INTERVAL_MS = "compaction.l0.interval.ms";
    public static final String MIX_INTERVAL_MS = "compaction.mix.interval.ms";
    public static final String SINGLE_INTERVAL_MS = "compaction.single.interval.ms";
    public static final String SORT_INTERVAL_MS = "compaction.sort.interval.ms";
    public static final String CLUSTERING_INTERVAL_MS = "compaction.clustering.interval.ms";
    public static final String SCHEMA_BUMP_INTERVAL_MS = "compaction.schema.bump.interval.ms";
    public static final String WORKERS = "compaction.workers";
    public static final String WORKER_MEMORY_BYTES = "compaction.worker.memory.bytes";
    public static final String IO_BYTES_PER_SECOND = "compaction.io.bytes.per.second";
    public static final String READ_AHEAD_OBJECTS = "compaction.read.ahead.objects";
    public static final String MAX_ATTEMPTS = "compaction.max.attempts";
    public static final String L0_TIMEOUT_MS = "compaction.l0.timeout.ms";
    public static final String REWRITE_TIMEOUT_MS = "compaction.rewrite.timeout.ms";
    public static final String CLUSTERING_TIMEOUT_MS = "compaction.clustering.timeout.ms";
    public static final String GC_INTERVAL_MS = "gc.interval.ms";
    public static final String GC_GRACE_MS = "gc.grace.ms";
    public static final String ORPHAN_INTERVAL_MS = "gc.orphan.interval.ms";
    public static final String ORPHAN_GRACE_MS = "gc.orphan.grace.ms";
    public static final String HISTORY_MS = "compaction.history.ms";

    public static final long MIN_RECLAIM_DEADLINE_MS = 1000;
    private static final long MB = 1024 * 1024;
    private static final long MINUTE = 60_000;

    public static ConfigDef define(ConfigDef definition) {
        return CompactionPriorities.define(definition
                .define(ENABLED, Type.BOOLEAN, true, Importance.HIGH,
                        "Run the trigger policies. Manual compaction (POST /collections/C/compact) and garbage collection run either way.")
                .define(TARGET_BYTES, Type.LONG, 64 * MB, Range.atLeast(1), Importance.MEDIUM,
                        "Size of a compaction output (Milvus: 1 GB).")
                .define(SMALL_FRACTION, Type.DOUBLE, 0.5, Range.between(0.01, 1.0), Importance.LOW,
                        "Mix: a segment with fewer live bytes than this fraction of the target size is small and merged with others.")
                .define(GONE_RATIO, Type.DOUBLE, 0.2, Range.between(0.0, 1.0), Importance.MEDIUM,
                        "Single and mix: a segment whose deleted or expired share reaches this is rewritten (Milvus: 0.2).")
                .define(DELTA_BYTES, Type.LONG, 16 * MB, Range.atLeast(1), Importance.LOW,
                        "Single and mix: a segment whose delta logs reach this size is rewritten.")
                .define(DELTA_LOGS, Type.INT, 32, Range.atLeast(1), Importance.LOW,
                        "Single and mix: a segment with this many delta logs is rewritten.")
                .define(JITTER, Type.DOUBLE, 0.2, Range.between(0.0, 0.99), Importance.LOW,
                        "Each segment meets the size and ratio thresholds somewhere in [1 - jitter, 1] x threshold, fixed by its id,"
                                + " so a cohort of segments is not rewritten at once.")
                .define(L0_ENTRIES, Type.LONG, 100_000L, Range.atLeast(1), Importance.MEDIUM,
                        "L0 delete: runs once a channel's flushed L0 segments hold this many deletes (Milvus: 300k) ...")
                .define(L0_AGE_MS, Type.LONG, 2 * MINUTE, Range.atLeast(0), Importance.MEDIUM,
                        "... or its oldest L0 segment is this old.")
                .define(MAX_PLANS, Type.INT, 4, Range.atLeast(1), Importance.LOW,
                        "Rate limit: rewrites one trigger may plan per channel; the most urgent go first.")
                .define(RECLAIM_DEADLINE_MS, Type.LONG, 10 * MINUTE, Range.atLeast(MIN_RECLAIM_DEADLINE_MS), Importance.HIGH,
                        "A deleted or expired row's bytes are gone from object storage within this time. Past half of it,"
                                + " L0 delete and rewrites of the segments holding the row run whatever the thresholds, ahead of other"
                                + " rewrites, and growing segments holding rows an urgent delete reaches are sealed. Must exceed"
                                + " twice the trigger intervals plus the GC grace period and interval. A collection may set its own"
                                + " (reclaimDeadlineMs).")
                .define(L0_INTERVAL_MS, Type.LONG, 10_000L, Range.atLeast(0), Importance.LOW, "How often the L0 delete policy runs; 0 never.")
                .define(MIX_INTERVAL_MS, Type.LONG, MINUTE, Range.atLeast(0), Importance.LOW, "How often the mix policy runs; 0 never.")
                .define(SINGLE_INTERVAL_MS, Type.LONG, MINUTE, Range.atLeast(0), Importance.LOW, "How often the single policy runs; 0 never.")
                .define(SORT_INTERVAL_MS, Type.LONG, 0L, Range.atLeast(0), Importance.LOW,
                        "How often the sort policy rewrites unsorted segments in primary-key order; 0 (the default) never.")
                .define(CLUSTERING_INTERVAL_MS, Type.LONG, 10 * MINUTE, Range.atLeast(0), Importance.LOW,
                        "How often the clustering policy runs on collections with a clustering key; 0 never.")
                .define(SCHEMA_BUMP_INTERVAL_MS, Type.LONG, 5 * MINUTE, Range.atLeast(0), Importance.LOW,
                        "How often segments written with an older DML schema are rewritten to the latest; 0 never.")
                .define(WORKERS, Type.INT, 2, Range.atLeast(1), Importance.MEDIUM,
                        "Compaction worker slots per collection and instance.")
                .define(IO_BYTES_PER_SECOND, Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM,
                        "Bytes per second the compaction workers of this instance may read and write together, all collections (a"
                                + " token bucket they share), so compaction leaves the storage's bandwidth to flushes and reads; 0 unlimited.")
                .define(READ_AHEAD_OBJECTS, Type.INT, 2, Range.between(0, 16), Importance.LOW,
                        "Insert logs a rewrite fetches from storage while it decodes the current one, so the merge does not wait on"
                                + " each request; each worker holds up to this many more objects in memory. 0 reads one after the other.")
                .define(WORKER_MEMORY_BYTES, Type.LONG, 128 * MB, Range.atLeast(1024), Importance.MEDIUM,
                        "Rows a rewrite holds in memory, by their encoded size, before it sorts them and spills them to local disk as a "
                                + "run it merges at the end; a clustering or force merge larger than this reads and writes each row once more "
                                + "locally instead of growing the heap.")
                .define(MAX_ATTEMPTS, Type.INT, 3, Range.atLeast(1), Importance.LOW,
                        "Attempts of a task before it fails for good and its inputs are free again.")
                .define(L0_TIMEOUT_MS, Type.LONG, 2 * MINUTE, Range.atLeast(1), Importance.LOW, "Time limit of one L0 delete attempt.")
                .define(REWRITE_TIMEOUT_MS, Type.LONG, 10 * MINUTE, Range.atLeast(1), Importance.LOW,
                        "Time limit of one mix, single, sort, schema bump or force merge attempt.")
                .define(CLUSTERING_TIMEOUT_MS, Type.LONG, 30 * MINUTE, Range.atLeast(1), Importance.LOW,
                        "Time limit of one clustering attempt.")
                .define(GC_INTERVAL_MS, Type.LONG, 10_000L, Range.atLeast(1), Importance.LOW,
                        "How often garbage collection looks for Dropped segments whose files can go.")
                .define(GC_GRACE_MS, Type.LONG, MINUTE, Range.atLeast(0), Importance.MEDIUM,
                        "A Dropped segment's files stay this long (and while a read pins them), for reads that planned with it.")
                .define(ORPHAN_INTERVAL_MS, Type.LONG, MINUTE, Range.atLeast(1), Importance.LOW,
                        "How often garbage collection lists a channel's objects for orphans (written, never referenced).")
                .define(ORPHAN_GRACE_MS, Type.LONG, 2 * MINUTE, Range.atLeast(0), Importance.LOW,
                        "An unreferenced object younger than this may still be in the making (an upload, a running compaction) and stays.")
                .define(HISTORY_MS, Type.LONG, 60 * MINUTE, Range.atLeast(0), Importance.LOW,
                        "How long a finished task stays visible in GET /collections/C/compactions/ID."));
    }

    public static CompactionSettings from(AbstractConfig config) {
        CompactionThresholds thresholds = new CompactionThresholds(config.getLong(TARGET_BYTES), config.getDouble(SMALL_FRACTION),
                config.getDouble(GONE_RATIO), config.getLong(DELTA_BYTES), config.getInt(DELTA_LOGS), config.getDouble(JITTER),
                config.getLong(L0_ENTRIES), config.getLong(L0_AGE_MS), config.getLong(RECLAIM_DEADLINE_MS), config.getInt(MAX_PLANS),
                CompactionPriorities.from(config));
        long[] intervals = new long[CompactionType.values().length];
        intervals[CompactionType.L0_DELETE.ordinal()] = config.getLong(L0_INTERVAL_MS);
        intervals[CompactionType.MIX.ordinal()] = config.getLong(MIX_INTERVAL_MS);
        intervals[CompactionType.SINGLE.ordinal()] = config.getLong(SINGLE_INTERVAL_MS);
        intervals[CompactionType.SORT.ordinal()] = config.getLong(SORT_INTERVAL_MS);
        intervals[CompactionType.CLUSTERING.ordinal()] = config.getLong(CLUSTERING_INTERVAL_MS);
        intervals[CompactionType.SCHEMA_BUMP.ordinal()] = config.getLong(SCHEMA_BUMP_INTERVAL_MS);
        return new CompactionSettings(config.getBoolean(ENABLED), thresholds, intervals, config.getInt(WORKERS),
                config.getLong(WORKER_MEMORY_BYTES), config.getInt(MAX_ATTEMPTS),
                config.getLong(L0_TIMEOUT_MS), config.getLong(REWRITE_TIMEOUT_MS), config.getLong(CLUSTERING_TIMEOUT_MS),
                config.getLong(GC_INTERVAL_MS), config.getLong(GC_GRACE_MS), config.getLong(ORPHAN_INTERVAL_MS),
                config.getLong(ORPHAN_GRACE_MS), config.getLong(HISTORY_MS), config.getLong(IO_BYTES_PER_SECOND),
                config.getInt(READ_AHEAD_OBJECTS));
    }

    /** The thresholds for {@code spec}: the instance's, with the collection's own reclaim deadline if it has one. */
    public CompactionThresholds thresholds(CollectionSpec spec) {
        return spec.getReclaimDeadlineMs() > 0 ? thresholds.toBuilder().reclaimDeadlineMs(spec.getReclaimDeadlineMs()).build() : thresholds;
    }

    /** How often the policy of {@code type} runs; 0 never. */
    public long intervalMs(CompactionType type) {
        return intervalsMs[type.ordinal()];
    }

    /** The time limit of one attempt of a task of {@code type}. */
    public long timeoutMs(CompactionType type) {
        return switch (type) {
            case L0_DELETE -> l0TimeoutMs;
            case CLUSTERING -> clusteringTimeoutMs;
            default -> rewriteTimeoutMs;
        };
    }
}
