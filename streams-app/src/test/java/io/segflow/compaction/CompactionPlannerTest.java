package io.segflow.compaction;

import io.segflow.config.ConfigLoader;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.CompactionType;
import io.segflow.schema.PkType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** From catalog entries to views and plans: TTL expiry estimates, L0 segments held back by unflushed rows, manual narrowing. */
class CompactionPlannerTest {
    private static final long NOW = 10_000_000;
    private static final long MB = 1024 * 1024;
    private static final CompactionThresholds THRESHOLDS = ConfigLoader.load(null, Map.of(), Map.of()).compaction().thresholds()
            .toBuilder().targetBytes(64 * MB).smallFraction(0.5).goneRatio(0.2).deltaBytes(16 * MB).deltaLogs(32).jitter(0)
            .l0Entries(1000).l0AgeMs(60_000).reclaimDeadlineMs(600_000).maxPlansPerTrigger(4).build();

    private static SegmentInfo segment(long id, SegmentLevel level, long minPosition, long maxPosition, long minEvent, long maxEvent) {
        return SegmentInfo.newBuilder().setId(id).setCollection("c").setChannel(0).setPartition(level == SegmentLevel.L0 ? "*" : "_default")
                .setLevel(level).setState(SegmentState.FLUSHED).setRows(1000).setBytes(MB).setMinPosition(minPosition)
                .setMaxPosition(maxPosition).setCreatedAtMs(0).setLastWriteMs(0).setFlushedAtMs(NOW - 1000)
                .setMinEventMs(minEvent).setMaxEventMs(maxEvent).build();
    }

    @Test
    void expiredRowsAreEstimatedFromTheEventTimeRangeAndStartTheReclaimClock() {
        long ttl = 1_000_000;
        FlushedSegment half = CompactionPlanner.describe(segment(1, SegmentLevel.L1, 0, 10, NOW - ttl - 500, NOW - ttl + 500), ttl, NOW);
        assertThat(half.expiredRows()).isEqualTo(500);
        assertThat(half.oldestDeleteMs()).isEqualTo(NOW - 500);
        FlushedSegment all = CompactionPlanner.describe(segment(2, SegmentLevel.L1, 0, 10, NOW - 3 * ttl, NOW - 2 * ttl), ttl, NOW);
        assertThat(all.expiredRows()).isEqualTo(1000);
        FlushedSegment none = CompactionPlanner.describe(segment(3, SegmentLevel.L1, 0, 10, NOW - 10, NOW), ttl, NOW);
        assertThat(none.expiredRows()).isZero();
        assertThat(none.oldestDeleteMs()).isEqualTo(-1);
        assertThat(CompactionPlanner.describe(segment(4, SegmentLevel.L1, 0, 10, 0, 0), 0, NOW).expiredRows()).as("no TTL").isZero();
    }

    @Test
    void anL0SegmentWhoseDeletesMayReachUnflushedRowsIsHeldBack() {
        List<SegmentInfo> flushed = List.of(segment(1, SegmentLevel.L1, 0, 99, 0, 0), segment(9, SegmentLevel.L0, 100, 200, 0, 0));
        assertThat(CompactionPlanner.view(0, flushed, Set.of(), 150, 1, 0, NOW).busy()).containsExactly(9L);
        assertThat(CompactionPlanner.view(0, flushed, Set.of(), 201, 1, 0, NOW).busy()).isEmpty();
        CompactionView free = CompactionPlanner.view(0, flushed, Set.of(), Long.MAX_VALUE, 1, 0, NOW);
        assertThat(CompactionPlanner.triggered(CompactionType.L0_DELETE, THRESHOLDS, free, false)).singleElement()
                .satisfies(plan -> assertThat(plan.targets()).containsExactly(1L));
    }

    @Test
    void aCollectionsOwnReclaimDeadlineMakesItsDeletesUrgentSooner() {
        CompactionSettings settings = ConfigLoader.load(null, Map.of(), Map.of(CompactionSettings.L0_ENTRIES, "1000000",
                CompactionSettings.L0_AGE_MS, "3600000", CompactionSettings.RECLAIM_DEADLINE_MS, "600000")).compaction();
        CollectionSpec instanceDeadline = CollectionSpec.newBuilder().setName("c").setPkType(PkType.INT64).setDim(4).setChannels(1)
                .setCreatedAtMs(0).build();
        CollectionSpec ownDeadline = CollectionSpec.newBuilder(instanceDeadline).setReclaimDeadlineMs(30_000).build();
        SegmentInfo l0 = SegmentInfo.newBuilder(segment(9, SegmentLevel.L0, 100, 200, 0, 0)).setOldestDeleteMs(NOW - 20_000).build();
        CompactionView view = CompactionPlanner.view(0, List.of(segment(1, SegmentLevel.L1, 0, 99, 0, 0), l0), Set.of(), Long.MAX_VALUE,
                1, 0, NOW);

        assertThat(CompactionPlanner.triggered(CompactionType.L0_DELETE, settings.thresholds(instanceDeadline), view, false))
                .as("20 s old deletes, a 10 min deadline: not yet").isEmpty();
        assertThat(CompactionPlanner.triggered(CompactionType.L0_DELETE, settings.thresholds(ownDeadline), view, false))
                .as("past half of the collection's 30 s").singleElement()
                .satisfies(plan -> assertThat(plan.reason()).isEqualTo(CompactionReason.RECLAIM_DEADLINE));
    }

    @Test
    void aManualRequestPlansOnlyTheSegmentsItNamesWithoutTheRateLimit() {
        List<SegmentInfo> flushed = List.of(segment(1, SegmentLevel.L1, 0, 9, 0, 0), segment(2, SegmentLevel.L1, 10, 19, 0, 0),
                segment(3, SegmentLevel.L1, 20, 29, 0, 0));
        CompactionView view = CompactionPlanner.view(0, flushed, Set.of(), Long.MAX_VALUE, 1, 0, NOW);
        List<CompactionPlan> named = CompactionPlanner.manual(new ManualCompaction("m", CompactionType.FORCE_MERGE, null, 0, List.of(1L, 3L),
                0, false), THRESHOLDS, view, false);
        assertThat(named).singleElement().satisfies(plan -> assertThat(plan.inputs()).containsExactlyInAnyOrder(1L, 3L));
        List<CompactionPlan> all = CompactionPlanner.manual(new ManualCompaction("m", CompactionType.MIX, null, null, List.of(), 0, false),
                THRESHOLDS, view, false);
        assertThat(all).singleElement().satisfies(plan -> assertThat(plan.inputs()).hasSize(3));
        assertThat(CompactionPlanner.manual(new ManualCompaction("m", CompactionType.CLUSTERING, null, null, List.of(), 0, false),
                THRESHOLDS, view, false)).as("no clustering key").isEmpty();
    }
}
