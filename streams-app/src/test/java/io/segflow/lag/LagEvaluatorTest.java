package io.segflow.lag;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Burrow's rules over a window of (committed, end) samples. */
class LagEvaluatorTest {
    /** Samples one second apart, from pairs of committed and end offsets. */
    private static List<LagSample> window(long... committedAndEnd) {
        List<LagSample> window = new ArrayList<>();
        for (int i = 0; i < committedAndEnd.length; i += 2) {
            window.add(new LagSample(1000L * i, committedAndEnd[i], committedAndEnd[i + 1]));
        }
        return window;
    }

    @Test
    void caughtUpOnceInTheWindowIsOk() {
        assertThat(LagEvaluator.evaluate(window(100, 100, 150, 300, 200, 500), true)).isEqualTo(LagStatus.OK);
        assertThat(LagEvaluator.evaluate(window(100, 100, 100, 100), false)).as("an idle channel needs no owner").isEqualTo(LagStatus.OK);
        assertThat(LagEvaluator.evaluate(List.of(), true)).isEqualTo(LagStatus.OK);
    }

    @Test
    void recordsWaitingWithNoOwnerAreStop() {
        assertThat(LagEvaluator.evaluate(window(100, 200, 100, 250), false)).isEqualTo(LagStatus.STOP);
    }

    @Test
    void anOwnerWhoseOffsetDoesNotMoveWhileRecordsWaitIsStall() {
        assertThat(LagEvaluator.evaluate(window(100, 200, 100, 200, 100, 260), true)).isEqualTo(LagStatus.STALL);
    }

    @Test
    void offsetsThatMoveWhileTheLagGrowsAtEveryStepAreWarn() {
        assertThat(LagEvaluator.evaluate(window(100, 200, 150, 300, 200, 450), true)).isEqualTo(LagStatus.WARN);
        assertThat(LagEvaluator.evaluate(window(100, 200, 150, 300, 300, 380), true)).as("lag shrank at the last step")
                .isEqualTo(LagStatus.OK);
        assertThat(LagEvaluator.evaluate(window(100, 200, 150, 300, 200, 350), true)).as("lag held, did not grow")
                .isEqualTo(LagStatus.OK);
    }

    @Test
    void oneSampleIsNotEnoughToJudgeAnOwnedChannel() {
        assertThat(LagEvaluator.evaluate(window(100, 900), true)).isEqualTo(LagStatus.OK);
    }

    @Test
    void aLagIsNeverNegative() {
        assertThat(new LagSample(0, 10, 5).lag()).isZero();
    }
}
