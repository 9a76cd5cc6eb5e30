package io.segflow.compaction;

import io.segflow.schema.CompactionType;
import io.segflow.schema.SegmentLevel;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The packer, the exclusion rules, the scheduler and the task state machine. */
class SchedulingTest {
    private static CompactionPlan plan(CompactionType type, int channel, String partition, List<Long> inputs, int priority) {
        return new CompactionPlan(type, channel, partition, inputs, List.of(), SegmentLevel.L1, 0, priority, CompactionReason.MANUAL);
    }

    private static CompactionPlan l0(int channel, long l0, List<Long> targets) {
        return new CompactionPlan(CompactionType.L0_DELETE, channel, null, List.of(l0), targets, SegmentLevel.L0, 0,
                CompactionPriorities.L0, CompactionReason.L0_ENTRIES);
    }

    private static CompactionPlan mix(int channel, String partition, long... inputs) {
        return plan(CompactionType.MIX, channel, partition, Arrays.stream(inputs).boxed().toList(), CompactionPriorities.DEFAULTS.of(CompactionType.MIX));
    }

    @Test
    void packerFillsTheFirstBinWithRoomAndGivesAnOversizedItemItsOwn() {
        assertThat(Packer.pack(List.of(5L, 4L, 3L, 2L, 1L, 12L), Long::longValue, 10))
                .containsExactly(List.of(5L, 4L, 1L), List.of(3L, 2L), List.of(12L));
        assertThat(Packer.pack(List.<Long>of(), Long::longValue, 10)).isEmpty();
    }

    @Test
    void exclusionRules() {
        assertThat(Exclusion.conflict(mix(0, "a", 1, 2), mix(1, "a", 2, 3))).as("a shared segment").isTrue();
        assertThat(Exclusion.conflict(mix(0, "a", 1, 2), mix(0, "a", 3, 4))).as("two mixes of one partition").isFalse();
        assertThat(Exclusion.conflict(l0(0, 9, List.of()), mix(0, "a", 3, 4))).as("L0 and a rewrite of its channel").isTrue();
        assertThat(Exclusion.conflict(l0(0, 9, List.of(1L)), mix(1, "a", 1 + 10, 12))).as("other channel").isFalse();
        assertThat(Exclusion.conflict(l0(1, 9, List.of(3L)), mix(0, "a", 3, 4))).as("an L0 target").isTrue();
        CompactionPlan clustering = plan(CompactionType.CLUSTERING, 0, "a", List.of(5L), CompactionPriorities.DEFAULTS.of(CompactionType.CLUSTERING));
        assertThat(Exclusion.conflict(clustering, mix(0, "a", 3, 4))).as("clustering and a mix of its partition").isTrue();
        assertThat(Exclusion.conflict(clustering, mix(0, "b", 3, 4))).as("another partition").isFalse();
    }

    @Test
    void schedulerStartsByPriorityWithinFreeSlotsAndSkipsConflicts() {
        CompactionPlan sort = plan(CompactionType.SORT, 1, "a", List.of(20L), CompactionPriorities.DEFAULTS.of(CompactionType.SORT));
        List<Scheduler.Queued> queued = List.of(new Scheduler.Queued(1, sort), new Scheduler.Queued(2, mix(1, "a", 21, 22)),
                new Scheduler.Queued(3, mix(1, "a", 22, 23)), new Scheduler.Queued(4, mix(2, "a", 30, 31)));

        assertThat(Scheduler.startable(queued, List.of(), 2)).extracting(Scheduler.Queued::sequence).containsExactly(2L, 4L);
        assertThat(Scheduler.startable(queued, List.of(), 10)).extracting(Scheduler.Queued::sequence).containsExactly(2L, 4L, 1L);
        assertThat(Scheduler.startable(queued, List.of(mix(2, "a", 31, 32)), 10)).extracting(Scheduler.Queued::sequence)
                .containsExactly(2L, 1L);
    }

    @Test
    void aWaitingL0DeleteHoldsBackNewRewritesOfItsChannelSoItIsNeverStarved() {
        List<CompactionPlan> running = List.of(mix(0, "a", 1, 2));
        List<Scheduler.Queued> queued = List.of(new Scheduler.Queued(1, l0(0, 9, List.of(1L))), new Scheduler.Queued(2, mix(0, "a", 3, 4)),
                new Scheduler.Queued(3, mix(1, "a", 5, 6)));

        assertThat(Scheduler.startable(queued, running, 4)).extracting(Scheduler.Queued::sequence).containsExactly(3L);
        assertThat(Scheduler.startable(queued, List.of(), 4)).extracting(Scheduler.Queued::sequence).containsExactly(1L, 3L);
    }

    @Test
    void taskStateMachine() {
        TaskState state = TaskState.PIPELINING.moveTo(TaskState.EXECUTING).moveTo(TaskState.META_SAVED).moveTo(TaskState.COMPLETED)
                .moveTo(TaskState.CLEANED);
        assertThat(state.next()).isEmpty();
        assertThat(TaskState.EXECUTING.moveTo(TaskState.TIMEOUT).moveTo(TaskState.PIPELINING)).as("a retry").isEqualTo(TaskState.PIPELINING);
        assertThatThrownBy(() -> TaskState.META_SAVED.moveTo(TaskState.FAILED))
                .as("once the catalog holds the result, it is never failed").isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> TaskState.PIPELINING.moveTo(TaskState.COMPLETED)).isInstanceOf(IllegalStateException.class);
    }
}
