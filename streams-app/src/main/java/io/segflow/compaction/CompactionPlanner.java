package io.segflow.compaction;

import io.segflow.schema.CompactionType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * From catalog entries to plans: builds a channel's {@link CompactionView} and runs the policy a
 * trigger or a manual request names. Pure; the coordinator and the dry run both call it.
 */
public final class CompactionPlanner {
    private CompactionPlanner() {
    }

    /**
     * The view of a channel's Flushed segments. An L0 segment whose deletes may reach rows not yet
     * flushed ({@code minUnflushedRowPosition} not past its newest delete) counts as busy: dropping
     * it now would lose those deletes for the rows flushed later.
     */
    public static CompactionView view(int channel, Collection<SegmentInfo> flushed, Set<Long> busy, long minUnflushedRowPosition,
                                      int latestSchemaVersion, long ttlMs, long nowMs) {
        Set<Long> held = new HashSet<>(busy);
        List<FlushedSegment> segments = new ArrayList<>();
        for (SegmentInfo info : flushed) {
            if (info.getLevel() == SegmentLevel.L0 && info.getMaxPosition() >= minUnflushedRowPosition) {
                held.add(info.getId());
            }
            segments.add(describe(info, ttlMs, nowMs));
        }
        return new CompactionView(channel, segments, held, latestSchemaVersion, nowMs);
    }

    /**
     * What the policies know of a segment. Expired rows are estimated from its event-time range,
     * as if event times were spread evenly; the reclaim deadline of an expired row counts from
     * its expiry, or from the segment's creation for rows that came in expired already (nothing
     * could reclaim them before they arrived).
     */
    public static FlushedSegment describe(SegmentInfo s, long ttlMs, long nowMs) {
        long expired = 0;
        long oldestGone = s.getOldestDeleteMs();
        if (ttlMs > 0 && s.getLevel() != SegmentLevel.L0 && s.getRows() > 0 && s.getMinEventMs() + ttlMs <= nowMs) {
            long cutoff = nowMs - ttlMs;
            long span = s.getMaxEventMs() - s.getMinEventMs();
            expired = span <= 0 || cutoff >= s.getMaxEventMs() ? s.getRows() : s.getRows() * (cutoff - s.getMinEventMs()) / span;
            long expiry = Math.max(s.getMinEventMs() + ttlMs, s.getCreatedAtMs());
            oldestGone = oldestGone < 0 ? expiry : Math.min(oldestGone, expiry);
        }
        return new FlushedSegment(s.getId(), s.getPartition(), s.getLevel(), s.getRows(), s.getDeletedRows(), expired, s.getBytes(),
                s.getDeltaLogPaths().size(), s.getDeltaLogBytes(), s.getMinPosition(), s.getMaxPosition(), s.getFlushedAtMs(),
                oldestGone, s.getSchemaVersion(), s.getSortedByPk(), s.getDeletesAppliedThrough());
    }

    /** The plans of one trigger policy; clustering only for a collection with a clustering key. */
    public static List<CompactionPlan> triggered(CompactionType type, CompactionThresholds t, CompactionView view, boolean clusteringKey) {
        return switch (type) {
            case L0_DELETE -> CompactionPolicies.l0Delete(t, view).stream().toList();
            case MIX -> CompactionPolicies.mix(t, view);
            case SINGLE -> CompactionPolicies.single(t, view);
            case SORT -> CompactionPolicies.sort(t, view);
            case SCHEMA_BUMP -> CompactionPolicies.schemaBump(t, view);
            case CLUSTERING -> clusteringKey ? CompactionPolicies.clustering(t, view) : List.of();
            case FORCE_MERGE -> List.of();
        };
    }

    /**
     * The plans of a manual request: its policy without the rate limit, L0 delete without the entry
     * and age thresholds, restricted to the segments named (any others count as busy).
     */
    public static List<CompactionPlan> manual(ManualCompaction request, CompactionThresholds t, CompactionView view, boolean clusteringKey) {
        CompactionView narrowed = view;
        if (!request.segments().isEmpty()) {
            Set<Long> busy = new HashSet<>(view.busy());
            view.segments().stream().map(FlushedSegment::id).filter(id -> !request.segments().contains(id)).forEach(busy::add);
            narrowed = new CompactionView(view.channel(), view.segments(), busy, view.latestSchemaVersion(), view.nowMs());
        }
        long target = request.targetBytes() > 0 ? request.targetBytes() : t.targetBytes();
        CompactionThresholds unlimited = t.toBuilder().targetBytes(target).l0Entries(0).l0AgeMs(0).maxPlansPerTrigger(Integer.MAX_VALUE).build();
        List<CompactionPlan> plans = request.type() == CompactionType.FORCE_MERGE
                ? CompactionPolicies.forceMerge(narrowed, request.partition(), target, t.priorities().of(CompactionType.FORCE_MERGE))
                : triggered(request.type(), unlimited, narrowed, clusteringKey);
        return plans.stream().filter(p -> request.partition() == null || p.partition() == null || request.partition().equals(p.partition()))
                .toList();
    }
}
