package io.segflow.compaction;

import io.segflow.config.ConfigLoader;

import io.segflow.schema.CompactionType;
import io.segflow.schema.SegmentLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class CompactionPoliciesTest {
    private static final long MB = 1 << 20;
    private static final long NOW = 100_000_000;
    private static final long MINUTE = 60_000;
    private static final CompactionThresholds NO_JITTER = thresholds(0).build();

    private static CompactionThresholds.Builder thresholds(double jitter) {
        return ConfigLoader.load(null, Map.of(), Map.of()).compaction().thresholds().toBuilder().targetBytes(64 * MB).smallFraction(0.5)
                .goneRatio(0.2).deltaBytes(8 * MB).deltaLogs(8).jitter(jitter).l0Entries(1000).l0AgeMs(10 * MINUTE)
                .reclaimDeadlineMs(10 * MINUTE).maxPlansPerTrigger(4);
    }

    private static FlushedSegment l1(long id, String partition, long bytes, long rows, long deleted) {
        return new FlushedSegment(id, partition, SegmentLevel.L1, rows, deleted, 0, bytes, deleted > 0 ? 1 : 0, 0, id * 100, id * 100 + 99,
                NOW - MINUTE, deleted > 0 ? NOW - MINUTE : -1, 1, false, -1);
    }

    private static FlushedSegment l0(long id, long entries, long minPosition, long maxPosition, long ageMs) {
        return new FlushedSegment(id, "*", SegmentLevel.L0, entries, 0, 0, entries * 16, 1, entries * 16, minPosition, maxPosition,
                NOW - ageMs, -1, 1, false, -1);
    }

    private static CompactionView view(List<FlushedSegment> segments, Set<Long> busy) {
        return new CompactionView(0, segments, busy, 1, NOW);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // what,                                  entries, ageMs,    expected reason
        "'few and young: wait',                   10,      60000,    ",
        "'enough entries',                        1000,    60000,    L0_ENTRIES",
        "'old enough',                            10,      600000,   L0_AGE",
    })
    void l0DeleteStartsOnEntriesOrAge(String what, long entries, long ageMs, CompactionReason reason) {
        CompactionView view = view(List.of(l0(9, entries, 500, 600, ageMs), l1(1, "_default", MB, 100, 0)), Set.of());
        assertThat(CompactionPolicies.l0Delete(thresholds(0).reclaimDeadlineMs(60 * MINUTE).build(), view).map(CompactionPlan::reason).orElse(null)).isEqualTo(reason);
    }

    @Test
    void l0DeleteStartsWhenHalfTheReclaimDeadlineHasPassed() {
        CompactionThresholds lateAge = thresholds(0).l0AgeMs(60 * MINUTE).build();
        assertThat(CompactionPolicies.l0Delete(lateAge, view(List.of(l0(9, 10, 500, 600, 4 * MINUTE)), Set.of()))).isEmpty();
        assertThat(CompactionPolicies.l0Delete(lateAge, view(List.of(l0(9, 10, 500, 600, 5 * MINUTE)), Set.of())))
                .hasValueSatisfying(plan -> assertThat(plan.reason()).isEqualTo(CompactionReason.RECLAIM_DEADLINE));
    }

    @Test
    void l0DeleteTargetsOnlySegmentsHoldingRowsOlderThanItsNewestDelete() {
        // Segment 1 holds positions 100-199, 7 holds 700-799: a delete at 650 can hit only segment 1.
        CompactionView view = view(List.of(l0(9, 2000, 600, 650, 0), l1(1, "_default", MB, 100, 0), l1(7, "_default", MB, 100, 0)),
                Set.of());
        CompactionPlan plan = CompactionPolicies.l0Delete(NO_JITTER, view).orElseThrow();
        assertThat(plan.inputs()).containsExactly(9L);
        assertThat(plan.targets()).containsExactly(1L);
        assertThat(plan.priority()).isEqualTo(CompactionPriorities.L0);
        assertThat(plan.fastFinish()).isFalse();
    }

    @Test
    void anL0DeleteThatReachesNoSegmentFinishesWithoutAWorker() {
        CompactionView view = view(List.of(l0(9, 2000, 50, 60, 0), l1(1, "_default", MB, 100, 0)), Set.of());
        assertThat(CompactionPolicies.l0Delete(NO_JITTER, view)).hasValueSatisfying(plan -> assertThat(plan.fastFinish()).isTrue());
    }

    @Test
    void mixPacksSmallSegmentsOfAPartitionIntoTargetSizeOutputs() {
        List<FlushedSegment> segments = new ArrayList<>();
        LongStream.rangeClosed(1, 10).forEach(id -> segments.add(l1(id, "_default", 20 * MB, 1000, 0)));
        segments.add(l1(11, "other", 20 * MB, 1000, 0));
        segments.add(l1(12, "_default", 40 * MB, 1000, 0));

        List<CompactionPlan> plans = CompactionPolicies.mix(NO_JITTER, view(segments, Set.of()));

        // Ten 20 MB segments: three per 64 MB output, the tenth left alone (nothing to gain); 40 MB is not small;
        // the other partition's lone segment has nothing to merge with.
        assertThat(plans).hasSize(3).allSatisfy(plan -> {
            assertThat(plan.type()).isEqualTo(CompactionType.MIX);
            assertThat(plan.partition()).isEqualTo("_default");
            assertThat(plan.inputs()).hasSize(3).doesNotContain(11L, 12L);
        });
    }

    @Test
    void mixTakesSegmentsWorthRewritingFirstAndPlansOneAloneOnlyIfWorthIt() {
        List<FlushedSegment> segments = List.of(l1(1, "_default", 10 * MB, 1000, 0), l1(2, "_default", 10 * MB, 1000, 500));
        assertThat(CompactionPolicies.mix(NO_JITTER, view(segments, Set.of())))
                .singleElement().satisfies(plan -> assertThat(plan.inputs()).containsExactly(2L, 1L));
        assertThat(CompactionPolicies.mix(NO_JITTER, view(List.of(segments.get(0)), Set.of()))).isEmpty();
        assertThat(CompactionPolicies.mix(NO_JITTER, view(List.of(segments.get(1)), Set.of())))
                .singleElement().satisfies(plan -> assertThat(plan.reason()).isEqualTo(CompactionReason.GONE_RATIO));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // what,                     rows,  deleted, deltaLogs, deltaMB, expected reason
        "'clean',                    1000,  0,       0,         0,       ",
        "'a few deletes',            1000,  100,     1,         0,       ",
        "'a fifth deleted',          1000,  200,     1,         0,       GONE_RATIO",
        "'big delta logs',           1000,  10,      1,         8,       DELTA_BYTES",
        "'many delta logs',          1000,  10,      8,         0,       DELTA_LOGS",
    })
    void singleRewritesALargeSegmentOnItsOwnThresholds(String what, long rows, long deleted, int deltaLogs, long deltaMb, CompactionReason reason) {
        FlushedSegment segment = new FlushedSegment(1, "_default", SegmentLevel.L1, rows, deleted, 0, 60 * MB, deltaLogs, deltaMb * MB,
                0, 999, NOW - MINUTE, deleted > 0 ? NOW - MINUTE : -1, 1, true, -1);
        assertThat(CompactionPolicies.single(NO_JITTER, view(List.of(segment), Set.of())).stream().map(CompactionPlan::reason).findFirst()
                .orElse(null)).isEqualTo(reason);
    }

    @Test
    void theReclaimDeadlineRewritesASegmentWhateverTheThresholdsAndRaisesItsPriority() {
        FlushedSegment fewDeletes = new FlushedSegment(1, "_default", SegmentLevel.L1, 1000, 1, 0, 60 * MB, 1, 100, 0, 999,
                NOW - 10 * MINUTE, NOW - 5 * MINUTE, 1, true, -1);
        assertThat(CompactionPolicies.single(NO_JITTER, view(List.of(fewDeletes), Set.of()))).singleElement().satisfies(plan -> {
            assertThat(plan.reason()).isEqualTo(CompactionReason.RECLAIM_DEADLINE);
            assertThat(plan.priority()).isEqualTo(CompactionPriorities.URGENT);
        });
    }

    @Test
    void jitterSpreadsACohortOverTheThresholdInsteadOfRewritingItAtOnce() {
        // 200 segments of one age, each 17% deleted: under the 20% threshold, but above 20% x (1 - 0.3 x f(id)) for some.
        List<FlushedSegment> cohort = LongStream.rangeClosed(1, 200).mapToObj(id -> new FlushedSegment(id, "_default", SegmentLevel.L1,
                1000, 170, 0, 60 * MB, 1, 100, id * 1000, id * 1000 + 999, NOW - MINUTE, NOW - MINUTE, 1, true, -1)).toList();
        CompactionThresholds jittered = thresholds(0.3).reclaimDeadlineMs(60 * MINUTE).maxPlansPerTrigger(1000).build();
        long crossing = cohort.stream().filter(s -> CompactionPolicies.worthRewriting(jittered, s, NOW)).count();
        assertThat(crossing).as("some, not all, of the cohort").isBetween(20L, 180L);
        assertThat(cohort).noneMatch(s -> CompactionPolicies.worthRewriting(NO_JITTER, s, NOW));
        // 200 segments of 28 MB: all under half the 64 MB target, but only some under its jittered share.
        List<FlushedSegment> sized = LongStream.rangeClosed(1, 200).mapToObj(id -> l1(id, "_default", 28 * MB, 1000, 0)).toList();
        assertThat(sized.stream().filter(s -> CompactionPolicies.small(jittered, s)).count()).isBetween(20L, 180L);
        assertThat(sized).allMatch(s -> CompactionPolicies.small(NO_JITTER, s));
    }

    @Test
    void eachTriggerPlansAtMostItsRateLimitMostUrgentFirst() {
        List<FlushedSegment> segments = LongStream.rangeClosed(1, 10).mapToObj(id -> new FlushedSegment(id, "_default", SegmentLevel.L1,
                1000, 300 + id * 10, 0, 60 * MB, 1, 100, id * 1000, id * 1000 + 999, NOW - MINUTE, id == 3 ? NOW - 6 * MINUTE : NOW - MINUTE,
                1, true, -1)).toList();
        List<CompactionPlan> plans = CompactionPolicies.single(NO_JITTER, view(segments, Set.of()));
        assertThat(plans).hasSize(4);
        assertThat(plans.get(0).inputs()).containsExactly(3L);
        assertThat(plans.subList(1, 4)).extracting(p -> p.inputs().get(0)).containsExactly(10L, 9L, 8L);
    }

    @Test
    void anL0DeleteSkipsSegmentsARewriteAlreadyAppliedItsDeletesTo() {
        FlushedSegment rewritten = new FlushedSegment(1, "_default", SegmentLevel.L1, 1000, 0, 0, 40 * MB, 0, 0, 0, 999, NOW, -1, 1, true,
                2000);
        FlushedSegment flushed = l1(2, "_default", 10 * MB, 1000, 0);
        FlushedSegment l0 = l0(9, 5000, 1500, 1800, 0);

        assertThat(CompactionPolicies.l0Delete(NO_JITTER, view(List.of(rewritten, flushed, l0), Set.of()))).hasValueSatisfying(plan ->
                assertThat(plan.targets()).as("applied through 2000 >= 1800: skipped").containsExactly(2L));
        assertThat(CompactionPolicies.l0Delete(NO_JITTER, view(List.of(rewritten, l0), Set.of()))).hasValueSatisfying(plan ->
                assertThat(plan.fastFinish()).as("no target left: dropped without a worker").isTrue());
        FlushedSegment partly = new FlushedSegment(1, "_default", SegmentLevel.L1, 1000, 0, 0, 40 * MB, 0, 0, 0, 999, NOW, -1, 1, true,
                1700);
        assertThat(CompactionPolicies.l0Delete(NO_JITTER, view(List.of(partly, l0), Set.of()))).hasValueSatisfying(plan ->
                assertThat(plan.targets()).as("deletes up to 1800 reach past 1700").containsExactly(1L));
    }

    @Test
    void noPolicyPlansASegmentATaskAlreadyHolds() {
        List<FlushedSegment> segments = List.of(l1(1, "_default", 10 * MB, 1000, 500), l1(2, "_default", 10 * MB, 1000, 0),
                l0(9, 5000, 10, 20, 0));
        CompactionView view = view(segments, Set.of(1L, 9L));
        assertThat(CompactionPolicies.mix(NO_JITTER, view)).isEmpty();
        assertThat(CompactionPolicies.l0Delete(NO_JITTER, view)).isEmpty();
        assertThat(CompactionPolicies.sort(NO_JITTER, view)).singleElement().satisfies(p -> assertThat(p.inputs()).containsExactly(2L));
    }

    @Test
    void sortSchemaBumpClusteringAndForceMergePickTheirSegments() {
        FlushedSegment sorted = new FlushedSegment(1, "_default", SegmentLevel.L1, 1000, 0, 0, 40 * MB, 0, 0, 0, 999, NOW, -1, 2, true, -1);
        FlushedSegment old = new FlushedSegment(2, "_default", SegmentLevel.L1, 1000, 0, 0, 40 * MB, 0, 0, 1000, 1999, NOW, -1, 1, false, -1);
        FlushedSegment clustered = new FlushedSegment(3, "_default", SegmentLevel.L2, 1000, 0, 0, 60 * MB, 0, 0, 0, 1999, NOW, -1, 2, true, -1);
        CompactionView view = new CompactionView(0, List.of(sorted, old, clustered), Set.of(), 2, NOW);

        assertThat(CompactionPolicies.sort(NO_JITTER, view)).singleElement().satisfies(p -> {
            assertThat(p.inputs()).containsExactly(2L);
            assertThat(p.priority()).isEqualTo(CompactionPriorities.DEFAULTS.of(CompactionType.SORT));
        });
        assertThat(CompactionPolicies.schemaBump(NO_JITTER, view)).singleElement().satisfies(p -> assertThat(p.inputs()).containsExactly(2L));
        assertThat(CompactionPolicies.clustering(NO_JITTER, view)).singleElement().satisfies(p -> {
            assertThat(p.inputs()).containsExactlyInAnyOrder(1L, 2L, 3L);
            assertThat(p.targetLevel()).isEqualTo(SegmentLevel.L2);
        });
        assertThat(CompactionPolicies.forceMerge(view, "_default", 100 * MB, 10)).singleElement()
                .satisfies(p -> assertThat(p.inputs()).containsExactly(1L, 2L));
        assertThat(CompactionPolicies.forceMerge(view, "other", 100 * MB, 10)).isEmpty();
    }
}
