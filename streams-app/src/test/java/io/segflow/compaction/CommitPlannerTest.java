package io.segflow.compaction;

import io.segflow.catalog.CatalogChange;
import io.segflow.schema.CompactionEntry;
import io.segflow.schema.CompactionResult;
import io.segflow.schema.CompactionStatus;
import io.segflow.schema.CompactionTask;
import io.segflow.schema.CompactionType;
import io.segflow.schema.DeltaAppend;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Every commit rule, from segment ids, positions and delta-log paths alone. */
class CommitPlannerTest {
    private static final long NOW = 1_000_000;
    private final Map<Long, SegmentInfo> segments = new HashMap<>();

    private SegmentInfo flushed(long id, SegmentLevel level, long minPosition, long maxPosition, String... deltaLogs) {
        SegmentInfo segment = SegmentInfo.newBuilder().setId(id).setCollection("c").setChannel(0)
                .setPartition(level == SegmentLevel.L0 ? "*" : "_default").setLevel(level).setState(SegmentState.FLUSHED).setRows(100)
                .setBytes(1000).setMinPosition(minPosition).setMaxPosition(maxPosition).setCreatedAtMs(0).setLastWriteMs(0)
                .setFlushedAtMs(NOW - 500).setDeltaLogPaths(List.of(deltaLogs)).setDeltaLogBytes(10L * deltaLogs.length).build();
        segments.put(id, segment);
        return segment;
    }

    private CompactionEntry planned(CompactionType type, List<Long> inputs, List<Long> targets, long deletesAppliedThrough) {
        List<SegmentInfo> described = new ArrayList<>();
        inputs.forEach(id -> described.add(SegmentInfo.newBuilder(segments.get(id)).build()));
        targets.forEach(id -> described.add(SegmentInfo.newBuilder(segments.get(id)).build()));
        CompactionTask task = CompactionTask.newBuilder().setTaskId("t-" + type + inputs).setTriggerId("trigger").setCollection("c")
                .setChannel(0).setType(type).setInputs(inputs).setTargets(targets).setTargetLevel(SegmentLevel.L1).setPriority(1)
                .setReason("test").setCreatedAtMs(NOW - 1000).setInputSegments(described).setOutputIds(List.of(900L, 901L))
                .setDeletesAppliedThrough(deletesAppliedThrough).build();
        return CompactionEntry.newBuilder().setTask(task).setState(TaskState.EXECUTING.name()).setUpdatedAtMs(NOW - 1000).build();
    }

    private static CompactionResult result(CompactionEntry entry, List<SegmentInfo> outputs, List<DeltaAppend> appends) {
        CompactionTask task = entry.getTask();
        return CompactionResult.newBuilder().setTaskId(task.getTaskId()).setTriggerId("trigger").setCollection("c").setChannel(0)
                .setType(task.getType()).setStatus(CompactionStatus.COMPLETED).setInputs(task.getInputs()).setOutputs(outputs)
                .setDeltaAppends(appends).setCompletedAtMs(NOW).build();
    }

    private static SegmentInfo output(long id, List<Long> from) {
        return SegmentInfo.newBuilder().setId(id).setCollection("c").setChannel(0).setPartition("_default").setLevel(SegmentLevel.L1)
                .setState(SegmentState.FLUSHED).setRows(150).setMinPosition(0).setMaxPosition(199).setCreatedAtMs(NOW)
                .setLastWriteMs(NOW).setCompactedFrom(from).build();
    }

    private static DeltaAppend append(long segmentId, String path) {
        return DeltaAppend.newBuilder().setSegmentId(segmentId).setPath(path).setEntries(5).setBytes(50).build();
    }

    private static Map<Long, SegmentInfo> changed(CommitPlanner.Commit commit) {
        assertThat(commit).isInstanceOf(CommitPlanner.Accepted.class);
        Map<Long, SegmentInfo> byId = new HashMap<>();
        ((CommitPlanner.Accepted) commit).changes().forEach(c -> {
            SegmentInfo s = ((CatalogChange.Put) c).segment();
            byId.put(s.getId(), s);
        });
        return byId;
    }

    private void replaceInCatalog(SegmentInfo segment) {
        segments.put(segment.getId(), segment);
    }

    @Test
    void aRewriteDropsItsInputsAndFlushesItsOutputsWithTheDeletesItApplied() {
        flushed(1, SegmentLevel.L1, 0, 99);
        flushed(2, SegmentLevel.L1, 100, 199);
        CompactionEntry entry = planned(CompactionType.MIX, List.of(1L, 2L), List.of(), 250);
        Map<Long, SegmentInfo> changed = changed(CommitPlanner.plan(entry, result(entry, List.of(output(900, List.of(1L, 2L))), List.of()),
                segments, List.of(), NOW));
        assertThat(changed.get(1L).getState()).isEqualTo(SegmentState.DROPPED);
        assertThat(changed.get(1L).getLastLevel()).isEqualTo(SegmentLevel.L1);
        assertThat(changed.get(2L).getDroppedAtMs()).isEqualTo(NOW);
        assertThat(changed.get(900L).getState()).isEqualTo(SegmentState.FLUSHED);
        assertThat(changed.get(900L).getFlushedAtMs()).isEqualTo(NOW);
        assertThat(changed.get(900L).getDeletesAppliedThrough()).isEqualTo(250);
        assertThat(changed.get(900L).getDeltaLogPaths()).isEmpty();
    }

    @Test
    void aResultWhoseInputIsGoneOrNoLongerFlushedIsRejected() {
        flushed(1, SegmentLevel.L1, 0, 99);
        flushed(2, SegmentLevel.L1, 100, 199);
        CompactionEntry entry = planned(CompactionType.MIX, List.of(1L, 2L), List.of(), -1);
        CompactionResult result = result(entry, List.of(output(900, List.of(1L, 2L))), List.of());
        replaceInCatalog(CommitPlanner.dropped(segments.get(2L), NOW - 10));
        assertThat(CommitPlanner.plan(entry, result, segments, List.of(), NOW))
                .isEqualTo(new CommitPlanner.Rejected("input 2 is DROPPED"));
        segments.remove(2L);
        assertThat(CommitPlanner.plan(entry, result, segments, List.of(), NOW)).isEqualTo(new CommitPlanner.Rejected("input 2 is gone"));
    }

    @Test
    void aDeltaLogThatReachedAnInputAfterThePlanIsCarriedOntoEveryOutput() {
        flushed(1, SegmentLevel.L1, 0, 99, "c/0/1/delta_log/0.avro");
        flushed(2, SegmentLevel.L1, 100, 199);
        CompactionEntry entry = planned(CompactionType.MIX, List.of(1L, 2L), List.of(), 99);
        SegmentInfo reached = SegmentInfo.newBuilder(segments.get(2L)).setDeltaLogPaths(List.of("c/0/2/delta_log/7.avro"))
                .setDeltaLogBytes(40).setOldestDeleteMs(NOW - 300).build();
        replaceInCatalog(reached);
        CompactionResult result = result(entry, List.of(output(900, List.of(1L, 2L)), output(901, List.of(1L, 2L))), List.of());
        CommitPlanner.Commit commit = CommitPlanner.plan(entry, result, segments, List.of(), NOW);
        Map<Long, SegmentInfo> changed = changed(commit);
        for (long output : List.of(900L, 901L)) {
            assertThat(changed.get(output).getDeltaLogPaths()).as("the input's own log was applied; only the late one moves")
                    .containsExactly("c/0/2/delta_log/7.avro");
            assertThat(changed.get(output).getDeltaLogBytes()).isEqualTo(40);
            assertThat(changed.get(output).getOldestDeleteMs()).isEqualTo(NOW - 300);
        }
        assertThat(((CommitPlanner.Accepted) commit).notes()).hasSize(2);
    }

    @Test
    void aLateDeltaLogTheWorkerReadItselfIsCoveredUnlessItSkippedALog() {
        flushed(1, SegmentLevel.L1, 0, 99);
        CompactionEntry entry = planned(CompactionType.SINGLE, List.of(1L), List.of(), 500);
        entry.setCoveredDeltaLogs(List.of("c/0/1/delta_log/3.avro"));
        replaceInCatalog(SegmentInfo.newBuilder(segments.get(1L)).setDeltaLogPaths(List.of("c/0/1/delta_log/3.avro")).build());
        CompactionResult result = result(entry, List.of(output(900, List.of(1L))), List.of());
        assertThat(changed(CommitPlanner.plan(entry, result, segments, List.of(), NOW)).get(900L).getDeltaLogPaths()).isEmpty();
        result.setSkippedDeltaLogs(1);
        assertThat(changed(CommitPlanner.plan(entry, result, segments, List.of(), NOW)).get(900L).getDeltaLogPaths())
                .as("a worker that skipped a log may not have applied the covered one").containsExactly("c/0/1/delta_log/3.avro");
    }

    @Test
    void anL0DeleteAppendsToItsTargetAndDropsItsL0Segments() {
        flushed(1, SegmentLevel.L1, 0, 99);
        SegmentInfo l0 = flushed(5, SegmentLevel.L0, 100, 120);
        l0.setOldestDeleteMs(NOW - 900);
        CompactionEntry entry = planned(CompactionType.L0_DELETE, List.of(5L), List.of(1L), -1);
        CommitPlanner.Commit commit = CommitPlanner.plan(entry, result(entry, List.of(), List.of(append(1, "c/0/1/delta_log/5.avro"))),
                segments, List.of(), NOW);
        Map<Long, SegmentInfo> changed = changed(commit);
        assertThat(changed.get(1L).getDeltaLogPaths()).containsExactly("c/0/1/delta_log/5.avro");
        assertThat(changed.get(1L).getDeletedRows()).isEqualTo(5);
        assertThat(changed.get(1L).getDeltaLogBytes()).isEqualTo(50);
        assertThat(changed.get(1L).getOldestDeleteMs()).as("the deadline counts from the oldest delete").isEqualTo(NOW - 900);
        assertThat(changed.get(5L).getState()).isEqualTo(SegmentState.DROPPED);
        assertThat(((CommitPlanner.Accepted) commit).outputs()).containsExactly(1L);
    }

    @Test
    void anL0DeleteWhoseTargetWasCompactedMeanwhileJoinsTheSegmentsItBecame() {
        flushed(1, SegmentLevel.L1, 0, 99);
        flushed(5, SegmentLevel.L0, 100, 120);
        CompactionEntry entry = planned(CompactionType.L0_DELETE, List.of(5L), List.of(1L), -1);
        // Segment 1 was rewritten into 900 and 901 (which took no deletes of segment 5), and 901 again into 950.
        replaceInCatalog(CommitPlanner.dropped(segments.get(1L), NOW - 100));
        SegmentInfo a = output(900, List.of(1L));
        SegmentInfo b = output(901, List.of(1L));
        SegmentInfo c = output(950, List.of(901L));
        replaceInCatalog(a);
        replaceInCatalog(CommitPlanner.dropped(b, NOW - 50));
        replaceInCatalog(c);
        Map<Long, SegmentInfo> changed = changed(CommitPlanner.plan(entry,
                result(entry, List.of(), List.of(append(1, "c/0/1/delta_log/5.avro"))), segments, List.of(), NOW));
        assertThat(changed.get(900L).getDeltaLogPaths()).containsExactly("c/0/1/delta_log/5.avro");
        assertThat(changed.get(950L).getDeltaLogPaths()).containsExactly("c/0/1/delta_log/5.avro");
        assertThat(changed).doesNotContainKeys(1L, 901L);
    }

    @Test
    void aSuccessorThatAppliedTheseDeletesInItsRewriteGetsNothing() {
        flushed(1, SegmentLevel.L1, 0, 99);
        flushed(5, SegmentLevel.L0, 100, 120);
        CompactionEntry entry = planned(CompactionType.L0_DELETE, List.of(5L), List.of(1L), -1);
        replaceInCatalog(CommitPlanner.dropped(segments.get(1L), NOW - 100));
        SegmentInfo rewritten = output(900, List.of(1L));
        rewritten.setDeletesAppliedThrough(120);
        replaceInCatalog(rewritten);
        CommitPlanner.Commit commit = CommitPlanner.plan(entry, result(entry, List.of(), List.of(append(1, "c/0/1/delta_log/5.avro"))),
                segments, List.of(), NOW);
        Map<Long, SegmentInfo> changed = changed(commit);
        assertThat(changed).containsOnlyKeys(5L);
        assertThat(((CommitPlanner.Accepted) commit).outputs()).isEmpty();
        assertThat(((CommitPlanner.Accepted) commit).notes()).singleElement().asString().contains("segment 900 was rewritten");
    }

    @Test
    void aNewDeltaLogOnTheInputOfARunningRewriteThatAppliesItsDeletesIsCoveredForThatRewrite() {
        flushed(1, SegmentLevel.L1, 0, 99);
        flushed(2, SegmentLevel.L1, 100, 199);
        flushed(5, SegmentLevel.L0, 200, 220);
        CompactionEntry l0Delete = planned(CompactionType.L0_DELETE, List.of(5L), List.of(1L, 2L), -1);
        CompactionEntry applies = planned(CompactionType.SINGLE, List.of(1L), List.of(), 220);
        CompactionEntry older = planned(CompactionType.SINGLE, List.of(2L), List.of(), 150);
        CommitPlanner.Commit commit = CommitPlanner.plan(l0Delete, result(l0Delete, List.of(),
                List.of(append(1, "c/0/1/delta_log/5.avro"), append(2, "c/0/2/delta_log/5.avro"))), segments, List.of(applies, older), NOW);
        assertThat(((CommitPlanner.Accepted) commit).covered())
                .as("the rewrite of 1 reads segment 5's deletes itself; the rewrite of 2 planned before them does not")
                .containsOnlyKeys(applies.getTask().getTaskId())
                .containsEntry(applies.getTask().getTaskId(), List.of("c/0/1/delta_log/5.avro"));
    }
}
