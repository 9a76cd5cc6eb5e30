package io.segflow.fanout;

import io.segflow.fanout.Compactions.TaskView;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The state of a manual compaction request, from what its channels planned and how their tasks ended. */
class CompactionsTest {
    private static TaskView task(String state, List<Long> outputs, String error) {
        return new TaskView("t", 0, "L0_DELETE", state, 2, List.of(1L), outputs, "manual", error);
    }

    @Test
    void aRequestIsPlanningThenRunningThenCompletedOrFailed() {
        TaskView committed = task("CLEANED", List.of(7L), null);
        TaskView committedReachingNothing = task("CLEANED", List.of(), null);
        TaskView failedForGood = task("CLEANED", List.of(), "rejected: input 1 is DROPPED; its outputs are orphans");

        assertThat(Compactions.overall(1, 2, List.of())).as("a channel has not planned yet").isEqualTo("PLANNING");
        assertThat(Compactions.overall(2, 2, List.of(committed, task("EXECUTING", List.of(), null)))).isEqualTo("RUNNING");
        assertThat(Compactions.overall(2, 2, List.of(committed, task("COMPLETED", List.of(8L), null)))).isEqualTo("COMPLETED");
        assertThat(Compactions.overall(2, 2, List.of(committed, committedReachingNothing)))
                .as("an L0 delete that reached no segment still completed").isEqualTo("COMPLETED");
        assertThat(Compactions.overall(2, 2, List.of(committed, failedForGood))).isEqualTo("FAILED");
        assertThat(Compactions.overall(1, 1, List.of())).as("nothing to do").isEqualTo("COMPLETED");
    }
}
