package io.segflow.seal;


import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/** The six seal policies, and all of them run in order with each segment sealed once. */
public final class SealPolicies {
    private SealPolicies() {
    }

    /** Every policy, in the order their reasons are recorded when several would fire. */
    public static Map<SealReason, SealPolicy> all(SealConfig config) {
        Map<SealReason, SealPolicy> policies = new EnumMap<>(SealReason.class);
        policies.put(SealReason.CAPACITY, capacity(config));
        policies.put(SealReason.LIFETIME, lifetime(config));
        policies.put(SealReason.IDLE, idle(config));
        policies.put(SealReason.BINLOG_FILES, binlogFiles(config));
        policies.put(SealReason.BLOCKING_L0, blockingL0(config));
        policies.put(SealReason.CHANNEL_GROWING_TOTAL, channelGrowingTotal(config));
        return policies;
    }

    /** Runs every policy; a segment is sealed once, for the first policy that chose it. */
    public static List<SealDecision> decide(SealConfig config, ChannelView view) {
        List<SealDecision> decisions = new ArrayList<>();
        Set<Long> sealed = new HashSet<>();
        ChannelView remaining = view;
        for (SealPolicy policy : all(config).values()) {
            for (SealDecision decision : policy.decide(remaining)) {
                if (sealed.add(decision.segmentId())) {
                    decisions.add(decision);
                }
            }
            remaining = new ChannelView(view.channel(),
                    view.growing().stream().filter(s -> !sealed.contains(s.id())).toList(), view.l0(), view.nowMs());
        }
        return decisions;
    }

    /** Bytes at which segment {@code id} seals: capacity less a per-segment jitter, so a cohort does not seal at once. */
    public static long capacityThreshold(SealConfig config, long id) {
        return (long) (config.capacityBytes() * (1 - config.capacityJitter() * Jitter.fraction(id)));
    }

    static SealPolicy capacity(SealConfig config) {
        return view -> seal(view, SealReason.CAPACITY, s -> s.bytes() >= capacityThreshold(config, s.id()));
    }

    static SealPolicy lifetime(SealConfig config) {
        return view -> seal(view, SealReason.LIFETIME, s -> view.nowMs() - s.createdAtMs() >= config.lifetimeMs());
    }

    static SealPolicy idle(SealConfig config) {
        return view -> seal(view, SealReason.IDLE, s -> view.nowMs() - s.lastWriteMs() >= config.idleMs() && s.bytes() >= config.idleMinBytes());
    }

    static SealPolicy binlogFiles(SealConfig config) {
        return view -> seal(view, SealReason.BINLOG_FILES, s -> insertLogFiles(config, s.rows()) >= config.maxInsertLogs());
    }

    /** Insert-log files a flush of {@code rows} rows writes. */
    public static long insertLogFiles(SealConfig config, long rows) {
        return (rows + config.rowsPerInsertLog() - 1) / config.rowsPerInsertLog();
    }

    /**
     * Growing segments keep L0 deletes from being applied to older data (L0 compaction skips what
     * is still growing). Oldest first, a segment is sealed while the deletes newer than its start
     * exceed a limit; later segments see fewer newer deletes, so the sealing stops on its own.
     */
    static SealPolicy blockingL0(SealConfig config) {
        return view -> {
            List<SealDecision> decisions = new ArrayList<>();
            List<SegmentView> oldestFirst = view.growing().stream().sorted(Comparator.comparingLong(SegmentView::minPosition)).toList();
            for (SegmentView segment : oldestFirst) {
                long entries = 0;
                long bytes = 0;
                for (L0Batch batch : view.l0()) {
                    if (batch.maxPosition() > segment.minPosition()) {
                        entries += batch.entries();
                        bytes += batch.bytes();
                    }
                }
                if (entries <= config.blockingL0Entries() && bytes <= config.blockingL0Bytes()) {
                    break;
                }
                decisions.add(new SealDecision(segment.id(), SealReason.BLOCKING_L0));
            }
            return decisions;
        };
    }

    /** While the channel's growing bytes exceed the limit, seal the largest segment. */
    static SealPolicy channelGrowingTotal(SealConfig config) {
        return view -> {
            List<SealDecision> decisions = new ArrayList<>();
            long total = view.growing().stream().mapToLong(SegmentView::bytes).sum();
            List<SegmentView> largestFirst = view.growing().stream()
                    .sorted(Comparator.comparingLong(SegmentView::bytes).reversed().thenComparingLong(SegmentView::id)).toList();
            for (SegmentView segment : largestFirst) {
                if (total <= config.channelGrowingBytes()) {
                    break;
                }
                decisions.add(new SealDecision(segment.id(), SealReason.CHANNEL_GROWING_TOTAL));
                total -= segment.bytes();
            }
            return decisions;
        };
    }

    private static List<SealDecision> seal(ChannelView view, SealReason reason, Predicate<SegmentView> when) {
        return view.growing().stream().filter(when).map(s -> new SealDecision(s.id(), reason)).toList();
    }
}
