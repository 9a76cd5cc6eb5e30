package io.segflow.compaction;

import io.segflow.compaction.CompactionBackpressure.Pressure;
import io.segflow.compaction.CompactionBackpressure.State;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class CompactionBackpressureTest {
    private final CompactionBackpressure policy = new CompactionBackpressure(1000, 3000, 60_000, 120_000, 500);

    @Test
    void belowEverySoftLimitIngestRunsFree() {
        assertThat(policy.of(999, 59_999)).isEqualTo(Pressure.NONE);
    }

    @Test
    void betweenTheLimitsTheRateFallsLinearlyFromTheDelayedRateToNothing() {
        assertThat(policy.of(1000, 0).state()).isEqualTo(State.SLOW);
        assertThat(policy.of(1000, 0).rowsPerSecond()).isCloseTo(500, within(1e-9));
        assertThat(policy.of(2000, 0).rowsPerSecond()).isCloseTo(250, within(1e-9));
        assertThat(policy.of(2999, 0).rowsPerSecond()).isCloseTo(0.25, within(1e-9));
        assertThat(policy.of(2000, 0).cause()).contains("compaction backlog 2000 bytes", "soft limit 1000");
    }

    @Test
    void atAHardLimitIngestPauses() {
        assertThat(policy.of(3000, 0).state()).isEqualTo(State.PAUSE);
        assertThat(policy.of(0, 120_000).state()).isEqualTo(State.PAUSE);
        assertThat(policy.of(0, 120_000).cause()).contains("reclaim lag 120000 ms", "hard limit 120000");
    }

    @Test
    void theMeasureHoldingIngestBackHardestDecides() {
        Pressure pressure = policy.of(1500, 105_000);

        assertThat(pressure.rowsPerSecond()).isCloseTo(125, within(1e-9));
        assertThat(pressure.cause()).startsWith("reclaim lag");
        assertThat(policy.of(5000, 61_000).state()).isEqualTo(State.PAUSE);
    }

    @Test
    void aLimitOfZeroIsOff() {
        CompactionBackpressure softOnly = new CompactionBackpressure(1000, 0, 0, 5000, 500);

        assertThat(softOnly.of(Long.MAX_VALUE, 0)).isEqualTo(new Pressure(State.SLOW, 500, softOnly.of(Long.MAX_VALUE, 0).cause()));
        assertThat(softOnly.of(0, 4999)).isEqualTo(Pressure.NONE);
        assertThat(softOnly.of(0, 5000).state()).isEqualTo(State.PAUSE);
        assertThat(CompactionBackpressure.OFF.of(Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(Pressure.NONE);
    }

    @Test
    void aSoftLimitMustBeBelowItsHardOne() {
        assertThatThrownBy(() -> new CompactionBackpressure(3000, 3000, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backlog");
        assertThatThrownBy(() -> new CompactionBackpressure(0, 0, -1, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new CompactionBackpressure(0, 0, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
