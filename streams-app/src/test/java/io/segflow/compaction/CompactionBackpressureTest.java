package io.segflow.compaction;

import io.segflow.compaction.CompactionBackpressure.Pressure;
import io.segflow.compaction.CompactionBackpressure.State;
import io.segflow.compaction.CompactionBackpressure.Work;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CompactionBackpressureTest {
    private static final ChannelSpace CLEAN = new ChannelSpace(10_000, 0);
    private final CompactionBackpressure policy = new CompactionBackpressure(1000, 3000, 60_000, 120_000, 2.0, 4.0, 500, 500);

    private static Work work(long backlogBytes, long reclaimLagMs) {
        return new Work(backlogBytes, reclaimLagMs, CLEAN);
    }

    @Test
    void belowEverySoftLimitIngestRunsFree() {
        assertThat(policy.of(new Work(999, 59_999, new ChannelSpace(10_000, 4_999)))).isEqualTo(Pressure.NONE);
    }

    @Test
    void betweenTheLimitsTheRateFallsLinearlyFromTheDelayedRateToNothing() {
        assertThat(policy.of(work(1000, 0)).state()).isEqualTo(State.SLOW);
        assertThat(policy.of(work(1000, 0)).rowsPerSecond()).isCloseTo(500, within(1e-9));
        assertThat(policy.of(work(2000, 0)).rowsPerSecond()).isCloseTo(250, within(1e-9));
        assertThat(policy.of(work(2999, 0)).rowsPerSecond()).isCloseTo(0.25, within(1e-9));
        assertThat(policy.of(work(2000, 0)).cause()).contains("compaction backlog 2000 bytes", "soft limit 1000");
    }

    @Test
    void atAHardLimitIngestPauses() {
        assertThat(policy.of(work(3000, 0)).state()).isEqualTo(State.PAUSE);
        assertThat(policy.of(work(0, 120_000)).state()).isEqualTo(State.PAUSE);
        assertThat(policy.of(work(0, 120_000)).cause()).contains("reclaim lag 120000 ms", "hard limit 120000");
    }

    @Test
    void spaceAmplificationCountsOnceTheGarbageReachesItsFloor() {
        Pressure tripled = policy.of(new Work(0, 0, new ChannelSpace(3000, 2000)));

        assertThat(tripled.state()).isEqualTo(State.SLOW);
        assertThat(tripled.rowsPerSecond()).isCloseTo(250, within(1e-9));
        assertThat(tripled.cause()).contains("space amplification 3.00", "2000 of them garbage", "soft limit 2");
        assertThat(policy.of(new Work(0, 0, new ChannelSpace(4000, 3000))).state()).isEqualTo(State.PAUSE);
        assertThat(policy.of(new Work(0, 0, new ChannelSpace(500, 499))).state()).as("499 bytes of garbage: under the floor")
                .isEqualTo(State.OFF);
        assertThat(policy.of(new Work(0, 0, new ChannelSpace(600, 600))).state()).as("nothing but garbage").isEqualTo(State.PAUSE);
    }

    @Test
    void theMeasureHoldingIngestBackHardestDecides() {
        Pressure pressure = policy.of(work(1500, 105_000));

        assertThat(pressure.rowsPerSecond()).isCloseTo(125, within(1e-9));
        assertThat(pressure.cause()).startsWith("reclaim lag");
        assertThat(policy.of(work(5000, 61_000)).state()).isEqualTo(State.PAUSE);
    }

    @Test
    void aLimitOfZeroIsOff() {
        CompactionBackpressure softOnly = new CompactionBackpressure(1000, 0, 0, 5000, 0, 0, 0, 500);

        assertThat(softOnly.of(work(Long.MAX_VALUE, 0))).isEqualTo(new Pressure(State.SLOW, 500, softOnly.of(work(Long.MAX_VALUE, 0)).cause()));
        assertThat(softOnly.of(work(0, 4999))).isEqualTo(Pressure.NONE);
        assertThat(softOnly.of(work(0, 5000)).state()).isEqualTo(State.PAUSE);
        assertThat(softOnly.of(new Work(0, 0, new ChannelSpace(100, 100)))).isEqualTo(Pressure.NONE);
        assertThat(CompactionBackpressure.OFF.of(new Work(Long.MAX_VALUE, Long.MAX_VALUE, new ChannelSpace(100, 100)))).isEqualTo(Pressure.NONE);
    }

    @Test
    void aSoftLimitMustBeBelowItsHardOne() {
        assertThatThrownBy(() -> new CompactionBackpressure(3000, 3000, 0, 0, 0, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backlog");
        assertThatThrownBy(() -> new CompactionBackpressure(0, 0, -1, 0, 0, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CompactionBackpressure(0, 0, 0, 0, 3, 2, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("space amplification");
        assertThatThrownBy(() -> new CompactionBackpressure(0, 0, 0, 0, 1, 2, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("exceed 1");
        assertThatThrownBy(() -> new CompactionBackpressure(0, 0, 0, 0, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
