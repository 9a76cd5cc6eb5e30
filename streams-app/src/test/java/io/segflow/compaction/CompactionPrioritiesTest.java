package io.segflow.compaction;

import io.segflow.config.ConfigLoader;
import io.segflow.schema.CompactionType;
import io.segflow.schema.SegmentLevel;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Configured priorities order the rewrites; whatever they are, an L0 delete is never starved. */
class CompactionPrioritiesTest {
    private static final long NOW = 10_000_000;
    private static final long MB = 1 << 20;

    private static CompactionThresholds thresholds(Map<String, String> settings) {
        return ConfigLoader.load(null, Map.of(), settings).compaction().thresholds().toBuilder().targetBytes(64 * MB).jitter(0).build();
    }

    private static FlushedSegment sorted(long id, boolean sortedByPk) {
        return new FlushedSegment(id, "_default", SegmentLevel.L1, 100, 0, 0, MB, 0, 0, id * 100, id * 100 + 99, NOW - 60_000, -1, 1,
                sortedByPk, -1);
    }

    @Test
    void theSettingsGiveEachTypeItsPriorityAndPlansCarryIt() {
        CompactionThresholds t = thresholds(Map.of("compaction.priority.sort", "10", "compaction.priority.mix", "5000"));
        CompactionView view = new CompactionView(0, List.of(sorted(1, false), sorted(2, true)), Set.of(), 1, NOW);

        assertThat(CompactionPolicies.sort(t, view)).singleElement().satisfies(plan -> assertThat(plan.priority()).isEqualTo(10));
        assertThat(CompactionPolicies.mix(t, view)).isNotEmpty().allSatisfy(plan -> assertThat(plan.priority()).isEqualTo(5000));
        assertThat(t.priorities().of(CompactionType.L0_DELETE)).isEqualTo(CompactionPriorities.L0);
        assertThat(CompactionPriorities.DEFAULTS.of(CompactionType.SORT)).isEqualTo(1000);
    }

    @Test
    void noConfiguredPriorityMayComeBeforeL0DeletesOrUrgentRewrites() {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of(), Map.of("compaction.priority.mix", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("compaction.priority.mix");
        assertThatThrownBy(() -> new CompactionPriorities(Map.of(CompactionType.MIX, 10))).isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * Rounds of a busy instance under random priorities: every round the running tasks finish and
     * new rewrites of every channel queue up. An L0 delete queued behind a running rewrite of its
     * channel starts in the next round, as soon as that rewrite is done, and no rewrite of its channel starts before it.
     */
    @Test
    void anL0DeleteStartsAsSoonAsItsChannelsRunningRewriteIsDoneWhateverThePrioritiesOfTheRewrites() {
        SplittableRandom random = new SplittableRandom(42);
        for (int trial = 0; trial < 200; trial++) {
            int slots = 1 + random.nextInt(3);
            List<Scheduler.Queued> queued = new ArrayList<>();
            long sequence = 0;
            long nextId = 1000;
            List<CompactionPlan> running = new ArrayList<>(List.of(rewrite(0, nextId++, 10 + random.nextInt(10_000))));
            CompactionPlan l0 = new CompactionPlan(CompactionType.L0_DELETE, 0, null, List.of(1L), List.of(), SegmentLevel.L0, 0,
                    CompactionPriorities.L0, CompactionReason.L0_ENTRIES);
            queued.add(new Scheduler.Queued(sequence++, l0));
            int startedInRound = -1;
            for (int round = 0; round < 2 && startedInRound < 0; round++) {
                for (int channel = 0; channel < 4; channel++) {
                    for (int i = 0; i < 3; i++) {
                        queued.add(new Scheduler.Queued(sequence++, rewrite(channel, nextId++, 10 + random.nextInt(10_000))));
                    }
                }
                List<Scheduler.Queued> started = Scheduler.startable(queued, running, slots);
                for (Scheduler.Queued task : started) {
                    if (task.plan() == l0) {
                        startedInRound = round;
                    } else if (startedInRound < 0) {
                        assertThat(task.plan().channel()).as("a rewrite of the L0's channel started before it").isNotZero();
                    }
                }
                queued.removeAll(started);
                // What ran finishes; what started runs through the next round.
                running = new ArrayList<>(started.stream().map(Scheduler.Queued::plan).toList());
            }
            assertThat(startedInRound).as("trial %d, %d slots: the round the L0 delete started", trial, slots).isEqualTo(1);
        }
    }

    private static CompactionPlan rewrite(int channel, long input, int priority) {
        return new CompactionPlan(CompactionType.MIX, channel, "_default", List.of(input), List.of(), SegmentLevel.L1, 0, priority,
                CompactionReason.SMALL_SEGMENTS);
    }
}
