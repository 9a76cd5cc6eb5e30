package io.segflow.compaction;

import io.segflow.schema.CompactionType;
import io.segflow.schema.SegmentLevel;
import io.segflow.seal.Jitter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The trigger policies. Each is a pure function of the thresholds and a channel's view, plans at
 * most {@link CompactionThresholds#maxPlansPerTrigger()} rewrites per call (most urgent first),
 * and never plans a segment a task already holds.
 */
public final class CompactionPolicies {
    private CompactionPolicies() {
    }

    /**
     * L0 delete: every free L0 segment of the channel, once they hold enough deletes, the oldest
     * is old enough, or half the reclaim deadline has passed since it flushed. Targets: the L1
     * and L2 segments holding rows older than the newest delete, unless a rewrite already applied
     * every delete up to it (the worker narrows them by bloom filter); none means the L0 segments
     * are dropped without a worker.
     */
    public static Optional<CompactionPlan> l0Delete(CompactionThresholds t, CompactionView view) {
        List<FlushedSegment> l0 = view.free().stream().filter(s -> s.level() == SegmentLevel.L0)
                .sorted(Comparator.comparingLong(FlushedSegment::minPosition)).toList();
        if (l0.isEmpty()) {
            return Optional.empty();
        }
        long entries = l0.stream().mapToLong(FlushedSegment::rows).sum();
        long oldest = l0.stream().mapToLong(s -> s.oldestDeleteMs() >= 0 ? s.oldestDeleteMs() : s.flushedAtMs()).min().orElseThrow();
        boolean urgent = view.nowMs() - oldest >= t.reclaimDeadlineMs() / 2;
        CompactionReason reason = entries >= t.l0Entries() ? CompactionReason.L0_ENTRIES : view.nowMs() - oldest >= t.l0AgeMs()
                ? CompactionReason.L0_AGE : urgent ? CompactionReason.RECLAIM_DEADLINE : null;
        if (reason == null) {
            return Optional.empty();
        }
        long newestDelete = l0.stream().mapToLong(FlushedSegment::maxPosition).max().orElseThrow();
        List<Long> targets = view.segments().stream().filter(s -> s.level() != SegmentLevel.L0 && s.minPosition() < newestDelete
                && s.deletesAppliedThrough() < newestDelete).map(FlushedSegment::id).toList();
        return Optional.of(new CompactionPlan(CompactionType.L0_DELETE, view.channel(), null, ids(l0), targets, SegmentLevel.L0, 0,
                CompactionPriorities.L0, reason));
    }

    /**
     * Mix: per partition, the free small L1 segments (under the jittered small fraction of the
     * target size) packed greedily into target-size outputs, segments worth rewriting first; an
     * output of one segment is planned only if that segment is worth rewriting.
     */
    public static List<CompactionPlan> mix(CompactionThresholds t, CompactionView view) {
        List<CompactionPlan> plans = new ArrayList<>();
        for (Map.Entry<String, List<FlushedSegment>> partition : byPartition(view, SegmentLevel.L1).entrySet()) {
            List<FlushedSegment> small = partition.getValue().stream().filter(s -> small(t, s))
                    .sorted(Comparator.comparing((FlushedSegment s) -> !worthRewriting(t, s, view.nowMs()))
                            .thenComparing(Comparator.comparingLong(FlushedSegment::liveBytes).reversed()))
                    .toList();
            for (List<FlushedSegment> bin : Packer.pack(small, FlushedSegment::liveBytes, t.targetBytes())) {
                if (bin.size() > 1 || worthRewriting(t, bin.get(0), view.nowMs())) {
                    plans.add(new CompactionPlan(CompactionType.MIX, view.channel(), partition.getKey(), ids(bin), List.of(),
                            SegmentLevel.L1, t.targetBytes(), priority(t, view, bin, CompactionType.MIX), bin.size() > 1 ? CompactionReason.SMALL_SEGMENTS : reason(t, bin.get(0), view.nowMs())));
                }
            }
        }
        return limit(t, plans);
    }

    /** Single: each free L1 or L2 segment that is not small and is worth rewriting on its own. */
    public static List<CompactionPlan> single(CompactionThresholds t, CompactionView view) {
        List<CompactionPlan> plans = view.free().stream()
                .filter(s -> s.level() != SegmentLevel.L0 && !small(t, s) && worthRewriting(t, s, view.nowMs()))
                .sorted(Comparator.comparingDouble(FlushedSegment::goneRatio).reversed())
                .map(s -> new CompactionPlan(CompactionType.SINGLE, view.channel(), s.partition(), List.of(s.id()), List.of(), s.level(),
                        t.targetBytes(), priority(t, view, List.of(s), CompactionType.SINGLE), reason(t, s, view.nowMs())))
                .toList();
        return limit(t, plans);
    }

    /** Sort: each free L1 segment not yet in primary-key order, oldest first. */
    public static List<CompactionPlan> sort(CompactionThresholds t, CompactionView view) {
        return limit(t, view.free().stream().filter(s -> s.level() == SegmentLevel.L1 && !s.sortedByPk())
                .sorted(Comparator.comparingLong(FlushedSegment::flushedAtMs))
                .map(s -> new CompactionPlan(CompactionType.SORT, view.channel(), s.partition(), List.of(s.id()), List.of(), SegmentLevel.L1,
                        t.targetBytes(), t.priorities().of(CompactionType.SORT), CompactionReason.UNSORTED))
                .toList());
    }

    /** Schema bump: each free L1 or L2 segment written with an older DML schema than the collection's latest. */
    public static List<CompactionPlan> schemaBump(CompactionThresholds t, CompactionView view) {
        return limit(t, view.free().stream().filter(s -> s.level() != SegmentLevel.L0 && s.schemaVersion() < view.latestSchemaVersion())
                .sorted(Comparator.comparingInt(FlushedSegment::schemaVersion))
                .map(s -> new CompactionPlan(CompactionType.SCHEMA_BUMP, view.channel(), s.partition(), List.of(s.id()), List.of(), s.level(),
                        t.targetBytes(), t.priorities().of(CompactionType.SCHEMA_BUMP), CompactionReason.SCHEMA_VERSION))
                .toList());
    }

    /**
     * Clustering: per partition, once its free L1 segments hold at least a target size of live
     * bytes, all of them together with its L2 segments, redistributed by the clustering key into L2.
     */
    public static List<CompactionPlan> clustering(CompactionThresholds t, CompactionView view) {
        List<CompactionPlan> plans = new ArrayList<>();
        Map<String, List<FlushedSegment>> l1 = byPartition(view, SegmentLevel.L1);
        Map<String, List<FlushedSegment>> l2 = byPartition(view, SegmentLevel.L2);
        for (Map.Entry<String, List<FlushedSegment>> partition : l1.entrySet()) {
            if (partition.getValue().stream().mapToLong(FlushedSegment::liveBytes).sum() >= t.targetBytes()) {
                List<FlushedSegment> inputs = new ArrayList<>(partition.getValue());
                inputs.addAll(l2.getOrDefault(partition.getKey(), List.of()));
                plans.add(new CompactionPlan(CompactionType.CLUSTERING, view.channel(), partition.getKey(), ids(inputs), List.of(),
                        SegmentLevel.L2, t.targetBytes(), t.priorities().of(CompactionType.CLUSTERING), CompactionReason.UNCLUSTERED_BYTES));
            }
        }
        return limit(t, plans);
    }

    /** Force merge (manual only): every free L1 and L2 segment of a partition packed into outputs of {@code targetBytes}; no rate limit. */
    public static List<CompactionPlan> forceMerge(CompactionView view, String onlyPartition, long targetBytes, int priority) {
        List<CompactionPlan> plans = new ArrayList<>();
        for (SegmentLevel level : List.of(SegmentLevel.L1, SegmentLevel.L2)) {
            for (Map.Entry<String, List<FlushedSegment>> partition : byPartition(view, level).entrySet()) {
                if (onlyPartition != null && !onlyPartition.equals(partition.getKey())) {
                    continue;
                }
                List<FlushedSegment> largestFirst = partition.getValue().stream()
                        .sorted(Comparator.comparingLong(FlushedSegment::liveBytes).reversed()).toList();
                for (List<FlushedSegment> bin : Packer.pack(largestFirst, FlushedSegment::liveBytes, targetBytes)) {
                    if (bin.size() > 1 || bin.get(0).goneRatio() > 0) {
                        plans.add(new CompactionPlan(CompactionType.FORCE_MERGE, view.channel(), partition.getKey(), ids(bin), List.of(),
                                level, targetBytes, priority, CompactionReason.MANUAL));
                    }
                }
            }
        }
        return plans;
    }

    /** Under the jittered small fraction of the target size. */
    static boolean small(CompactionThresholds t, FlushedSegment s) {
        return s.liveBytes() < jittered(t, s, t.smallFraction() * t.targetBytes());
    }

    /** Enough of it deleted or expired, or enough delta logs, by the jittered thresholds; or its reclaim deadline nears. */
    static boolean worthRewriting(CompactionThresholds t, FlushedSegment s, long nowMs) {
        return reason(t, s, nowMs) != null;
    }

    private static CompactionReason reason(CompactionThresholds t, FlushedSegment s, long nowMs) {
        if (s.goneRatio() > 0 && s.goneRatio() >= jittered(t, s, t.goneRatio())) {
            return CompactionReason.GONE_RATIO;
        }
        if (s.deltaBytes() > 0 && s.deltaBytes() >= jittered(t, s, t.deltaBytes())) {
            return CompactionReason.DELTA_BYTES;
        }
        if (s.deltaLogs() > 0 && s.deltaLogs() >= t.deltaLogs()) {
            return CompactionReason.DELTA_LOGS;
        }
        return urgent(t, s, nowMs) ? CompactionReason.RECLAIM_DEADLINE : null;
    }

    /** Half the reclaim deadline has passed since the oldest deleted or expired row of {@code s} appeared. */
    private static boolean urgent(CompactionThresholds t, FlushedSegment s, long nowMs) {
        return s.oldestDeleteMs() >= 0 && nowMs - s.oldestDeleteMs() >= t.reclaimDeadlineMs() / 2;
    }

    private static double jittered(CompactionThresholds t, FlushedSegment s, double threshold) {
        return threshold * (1 - t.jitter() * Jitter.fraction(s.id()));
    }

    /** Urgent when half the reclaim deadline has passed since the oldest gone row of an input; else the type's. */
    private static int priority(CompactionThresholds t, CompactionView view, List<FlushedSegment> inputs, CompactionType type) {
        return inputs.stream().anyMatch(s -> urgent(t, s, view.nowMs())) ? CompactionPriorities.URGENT : t.priorities().of(type);
    }

    private static List<CompactionPlan> limit(CompactionThresholds t, List<CompactionPlan> plans) {
        return plans.stream().sorted(Comparator.comparingInt(CompactionPlan::priority)).limit(t.maxPlansPerTrigger()).toList();
    }

    private static Map<String, List<FlushedSegment>> byPartition(CompactionView view, SegmentLevel level) {
        return view.free().stream().filter(s -> s.level() == level)
                .collect(Collectors.groupingBy(FlushedSegment::partition, TreeMap::new, Collectors.toList()));
    }

    private static List<Long> ids(List<FlushedSegment> segments) {
        return segments.stream().map(FlushedSegment::id).toList();
    }
}
