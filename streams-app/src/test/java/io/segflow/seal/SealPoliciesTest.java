package io.segflow.seal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class SealPoliciesTest {
    private static final long MB = 1 << 20;
    /** capacity 64 MB +-10%, lifetime 600 s, idle 60 s from 1 MB, 1000 rows per file up to 4 files, L0 block 8 MB / 1000, channel 200 MB. */
    private static final SealConfig CONFIG = new SealConfig(64 * MB, 0.1, 600_000, 60_000, MB, 1000, 4, 8 * MB, 1000, 200 * MB);
    private static final long NOW = 1_000_000;

    private static SegmentView segment(long id, long bytes, long rows, long minPosition, long ageMs, long idleMs) {
        return new SegmentView(id, "_default", rows, bytes, minPosition, NOW - ageMs, NOW - idleMs);
    }

    private static List<SealDecision> decide(List<SegmentView> growing, List<L0Batch> l0) {
        return SealPolicies.decide(CONFIG, new ChannelView(0, growing, l0, NOW));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        // what,                          bytes,      rows, ageMs,   idleMs, expected reason
        "'small, young and busy',         1048576,    10,   1000,    10,     ",
        "'full',                          67108864,   10,   1000,    10,     CAPACITY",
        "'old',                           1048576,    10,   600000,  10,     LIFETIME",
        "'idle and big enough',           1048576,    10,   1000,    60000,  IDLE",
        "'idle but tiny',                 1000,       10,   1000,    60000,  ",
        "'four insert logs worth',        1000,       3001, 1000,    10,     BINLOG_FILES",
        "'three insert logs worth',       1000,       3000, 1000,    10,     ",
        "'full and old: first reason',    67108864,   10,   600000,  10,     CAPACITY",
    })
    void eachPolicyFiresOnItsOwnThreshold(String what, long bytes, long rows, long ageMs, long idleMs, SealReason reason) {
        List<SealDecision> decisions = decide(List.of(segment(7, bytes, rows, 0, ageMs, idleMs)), List.of());

        if (reason == null) {
            assertThat(decisions).isEmpty();
        } else {
            assertThat(decisions).containsExactly(new SealDecision(7, reason));
        }
    }

    @Test
    void capacityJitterKeepsEveryThresholdWithinItsBounds() {
        List<Long> thresholds = LongStream.range(0, 10_000).map(id -> SealPolicies.capacityThreshold(CONFIG, id)).boxed().toList();

        assertThat(thresholds).allSatisfy(t -> assertThat(t).isBetween((long) (64 * MB * 0.9), 64 * MB));
        // Spread over the whole band, so a cohort of segments does not seal together.
        assertThat(thresholds.stream().mapToLong(Long::longValue).min().getAsLong()).isLessThan((long) (64 * MB * 0.91));
        assertThat(thresholds.stream().mapToLong(Long::longValue).max().getAsLong()).isGreaterThan((long) (64 * MB * 0.99));
        assertThat(thresholds.stream().distinct().count()).isGreaterThan(9_000);
    }

    @Test
    void jitterIsStablePerSegment() {
        assertThat(SealPolicies.capacityThreshold(CONFIG, 42)).isEqualTo(SealPolicies.capacityThreshold(CONFIG, 42));
    }

    @Test
    void segmentsOfACohortAtTheSameSizeSealAtDifferentMoments() {
        long size = (long) (64 * MB * 0.95);
        List<SegmentView> cohort = LongStream.range(100, 120).mapToObj(id -> segment(id, size, 10, 0, 1000, 10)).toList();

        List<SealDecision> decisions = decide(cohort, List.of());

        assertThat(decisions).isNotEmpty().hasSizeLessThan(cohort.size());
    }

    @Test
    void withoutJitterEverySegmentSealsAtExactCapacity() {
        SealConfig exact = new SealConfig(64 * MB, 0, 600_000, 60_000, MB, 1000, 4, 8 * MB, 1000, 200 * MB);

        assertThat(SealPolicies.capacityThreshold(exact, 1)).isEqualTo(64 * MB);
        assertThat(SealPolicies.capacityThreshold(exact, 2)).isEqualTo(64 * MB);
    }

    @Test
    void blockingL0SealsTheOldestSegmentsWhileNewerDeletesExceedTheLimit() {
        SegmentView oldest = segment(1, MB, 10, 100, 1000, 10);
        SegmentView middle = segment(2, MB, 10, 500, 1000, 10);
        SegmentView newest = segment(3, MB, 10, 900, 1000, 10);
        // 1500 deletes at positions 200..400 and 600 at 700..800: 2100 newer than the oldest's start,
        // 600 newer than the middle's, none newer than the newest's.
        List<L0Batch> l0 = List.of(new L0Batch(200, 400, 1500, MB), new L0Batch(700, 800, 600, MB));

        assertThat(decide(List.of(newest, middle, oldest), l0)).containsExactly(new SealDecision(1, SealReason.BLOCKING_L0));
    }

    @Test
    void blockingL0CountsBytesAsWellAsEntries() {
        List<L0Batch> l0 = List.of(new L0Batch(200, 400, 10, 9 * MB));

        assertThat(decide(List.of(segment(1, MB, 10, 100, 1000, 10)), l0)).extracting(SealDecision::reason)
                .containsExactly(SealReason.BLOCKING_L0);
    }

    @Test
    void blockingL0IgnoresDeletesOlderThanTheSegment() {
        List<L0Batch> l0 = List.of(new L0Batch(10, 50, 5000, 50 * MB));

        assertThat(decide(List.of(segment(1, MB, 10, 100, 1000, 10)), l0)).isEmpty();
    }

    @Test
    void channelGrowingTotalSealsTheLargestUntilUnderTheLimit() {
        List<SegmentView> growing = List.of(segment(1, 60 * MB, 10, 0, 1000, 10), segment(2, 55 * MB, 10, 0, 1000, 10),
                segment(3, 50 * MB, 10, 0, 1000, 10), segment(4, 45 * MB, 10, 0, 1000, 10));

        // 210 MB > 200 MB: sealing the 60 MB one leaves 150 MB.
        assertThat(decide(growing, List.of())).containsExactly(new SealDecision(1, SealReason.CHANNEL_GROWING_TOTAL));
    }

    @Test
    void aSegmentIsSealedOnceForTheFirstPolicyThatChoseIt() {
        SegmentView fullAndOld = segment(1, 64 * MB, 5000, 0, 700_000, 100_000);
        SegmentView fine = segment(2, MB / 2, 10, 0, 1000, 10);

        assertThat(decide(List.of(fullAndOld, fine), List.of())).containsExactly(new SealDecision(1, SealReason.CAPACITY));
    }
}
