package io.segflow.compaction;

import io.segflow.catalog.CatalogChange;
import io.segflow.catalog.ChannelCatalog;
import io.segflow.config.ConfigLoader;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.CompactionEntry;
import io.segflow.schema.CompactionResult;
import io.segflow.schema.CompactionStatus;
import io.segflow.schema.CompactionTask;
import io.segflow.schema.CompactionType;
import io.segflow.schema.PkType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import io.segflow.schema.TestCollections;
import io.segflow.testing.TestStores;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The coordinator of one channel on real (in-memory) Streams stores: plan, run reports, commit, reject, forget. */
class ChannelCompactionsTest {
    private static final long START = 1_000_000;
    private final List<CompactionTask> tasks = new ArrayList<>();
    private final List<String> published = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong(1000);
    private final CollectionSpec spec = TestCollections.spec("c", PkType.INT64, 2);
    private ChannelCatalog catalog;
    private KeyValueStore<String, CompactionEntry> entries;
    private ChannelCompactions compactions;

    @BeforeEach
    void open() {
        catalog = new ChannelCatalog(TestStores.inMemory("segments", Serdes.Long(), TestStores.avro(SegmentInfo.class)),
                (id, segment) -> published.add(id + ":" + (segment == null ? "tombstone" : segment.getState())));
        entries = TestStores.inMemory("compactions", Serdes.String(), TestStores.avro(CompactionEntry.class));
        // Only mix and L0 delete, each every second.
        CompactionSettings settings = ConfigLoader.load(null, Map.of(), Map.of(CompactionSettings.MIX_INTERVAL_MS, "1000",
                CompactionSettings.L0_INTERVAL_MS, "1000", CompactionSettings.L0_ENTRIES, "1", CompactionSettings.SINGLE_INTERVAL_MS, "0",
                CompactionSettings.SORT_INTERVAL_MS, "0", CompactionSettings.CLUSTERING_INTERVAL_MS, "0",
                CompactionSettings.SCHEMA_BUMP_INTERVAL_MS, "0")).compaction();
        compactions = new ChannelCompactions("c", 0, settings, catalog, entries, ids::incrementAndGet, tasks::add);
        compactions.restore(START);
    }

    /** A Flushed segment: born so if it holds rows (as a compaction output is), through Sealed and Flushing if L0. */
    private void flushed(long id, SegmentLevel level, long minPosition) {
        SegmentInfo segment = SegmentInfo.newBuilder().setId(id).setCollection("c").setChannel(0)
                .setPartition(level == SegmentLevel.L0 ? "*" : "_default").setLevel(level).setState(SegmentState.FLUSHED).setRows(100)
                .setBytes(1000).setMinPosition(minPosition).setMaxPosition(minPosition + 99).setCreatedAtMs(0).setLastWriteMs(0)
                .setFlushedAtMs(START).setSortedByPk(true).build();
        if (level == SegmentLevel.L0) {
            for (SegmentState state : List.of(SegmentState.SEALED, SegmentState.FLUSHING)) {
                catalog.apply(CatalogChange.put(SegmentInfo.newBuilder(segment).setState(state).build()));
            }
        }
        catalog.apply(CatalogChange.put(segment));
    }

    private static CompactionResult report(CompactionTask task, CompactionStatus status, List<SegmentInfo> outputs) {
        return CompactionResult.newBuilder().setTaskId(task.getTaskId()).setTriggerId(task.getTriggerId()).setCollection("c").setChannel(0)
                .setType(task.getType()).setStatus(status).setInputs(task.getInputs()).setOutputs(outputs).setAttempt(1)
                .setCompletedAtMs(START).build();
    }

    private static SegmentInfo output(CompactionTask task) {
        return SegmentInfo.newBuilder().setId(task.getOutputIds().get(0)).setCollection("c").setChannel(0).setPartition("_default")
                .setLevel(SegmentLevel.L1).setState(SegmentState.FLUSHED).setRows(200).setBytes(1800).setMinPosition(0)
                .setMaxPosition(199).setCreatedAtMs(START).setLastWriteMs(START).setCompactedFrom(task.getInputs()).build();
    }

    private TaskState state(CompactionTask task) {
        return TaskState.valueOf(entries.get(task.getTaskId()).getState());
    }

    @Test
    void aMixOfSmallSegmentsIsPlannedRunAndCommittedInOneStep() {
        flushed(1, SegmentLevel.L1, 0);
        flushed(2, SegmentLevel.L1, 100);
        compactions.trigger(spec, Long.MAX_VALUE, START + 500);
        assertThat(tasks).as("no trigger before its interval").isEmpty();
        compactions.trigger(spec, Long.MAX_VALUE, START + 1000);
        CompactionTask task = tasks.get(0);
        assertThat(task.getType()).isEqualTo(CompactionType.MIX);
        assertThat(task.getInputs()).containsExactly(1L, 2L);
        assertThat(task.getReason()).isEqualTo(CompactionReason.SMALL_SEGMENTS.label());
        assertThat(task.getOutputIds()).as("what the live bytes need, and a spare").hasSize(2);
        assertThat(state(task)).isEqualTo(TaskState.PIPELINING);
        assertThat(compactions.writing()).containsAll(task.getOutputIds());

        compactions.apply(report(task, CompactionStatus.STARTED, List.of()), START + 1100);
        assertThat(state(task)).isEqualTo(TaskState.EXECUTING);
        compactions.apply(report(task, CompactionStatus.COMPLETED, List.of(output(task))), START + 1200);
        assertThat(state(task)).isEqualTo(TaskState.COMPLETED);
        assertThat(entries.get(task.getTaskId()).getOutputs()).containsExactly(task.getOutputIds().get(0));
        assertThat(catalog.get(1)).hasValueSatisfying(s -> assertThat(s.getState()).isEqualTo(SegmentState.DROPPED));
        assertThat(catalog.get(task.getOutputIds().get(0))).hasValueSatisfying(s -> {
            assertThat(s.getState()).isEqualTo(SegmentState.FLUSHED);
            assertThat(s.getFlushedAtMs()).isEqualTo(START + 1200);
        });
        assertThat(published).containsSubsequence(task.getOutputIds().get(0) + ":FLUSHED", "1:DROPPED", "2:DROPPED");
        assertThat(compactions.writing()).as("a committed task writes nothing more").isEmpty();

        // Once garbage collection has removed the inputs, the task is Cleaned at the next trigger.
        catalog.apply(CatalogChange.forget(1));
        catalog.apply(CatalogChange.forget(2));
        compactions.trigger(spec, Long.MAX_VALUE, START + 2000);
        assertThat(state(task)).isEqualTo(TaskState.CLEANED);
    }

    @Test
    void aResultWhoseInputWasDroppedMeanwhileIsRejectedAndChangesNoSegment() {
        flushed(1, SegmentLevel.L1, 0);
        flushed(2, SegmentLevel.L1, 100);
        compactions.trigger(spec, Long.MAX_VALUE, START + 1000);
        CompactionTask task = tasks.get(0);
        catalog.apply(CatalogChange.put(CommitPlanner.dropped(catalog.get(2).orElseThrow(), START + 1100)));
        compactions.apply(report(task, CompactionStatus.COMPLETED, List.of(output(task))), START + 1200);
        assertThat(state(task)).isEqualTo(TaskState.CLEANED);
        assertThat(entries.get(task.getTaskId()).getError()).isEqualTo("rejected: input 2 is DROPPED; its outputs are orphans");
        assertThat(catalog.get(1)).hasValueSatisfying(s -> assertThat(s.getState()).isEqualTo(SegmentState.FLUSHED));
        assertThat(catalog.get(task.getOutputIds().get(0))).as("the output is an orphan, not a segment").isEmpty();
    }

    @Test
    void aFailedAttemptIsQueuedAgainAndItsErrorClearedWhenARetryCommits() {
        flushed(1, SegmentLevel.L1, 0);
        flushed(2, SegmentLevel.L1, 100);
        compactions.trigger(spec, Long.MAX_VALUE, START + 1000);
        CompactionTask task = tasks.get(0);
        CompactionResult failed = report(task, CompactionStatus.FAILED, List.of());
        failed.setError("S3 down");
        failed.setRetrying(true);
        compactions.apply(failed, START + 1100);
        assertThat(state(task)).isEqualTo(TaskState.PIPELINING);
        assertThat(entries.get(task.getTaskId()).getError()).isEqualTo("S3 down");
        compactions.apply(report(task, CompactionStatus.COMPLETED, List.of(output(task))), START + 1200);
        assertThat(state(task)).isEqualTo(TaskState.COMPLETED);
        assertThat(entries.get(task.getTaskId()).getError()).isNull();
    }

    @Test
    void l0SegmentsWhoseDeletesReachNoSegmentAreDroppedWithoutAWorker() {
        flushed(7, SegmentLevel.L0, 500);
        compactions.trigger(spec, Long.MAX_VALUE, START + 1000);
        assertThat(tasks).isEmpty();
        assertThat(catalog.get(7)).hasValueSatisfying(s -> assertThat(s.getState()).isEqualTo(SegmentState.DROPPED));
    }

    @Test
    void anL0SegmentWhoseDeletesMayReachUnflushedRowsWaitsForThem() {
        flushed(7, SegmentLevel.L0, 500);
        compactions.trigger(spec, 550, START + 1000);
        assertThat(catalog.get(7)).hasValueSatisfying(s -> assertThat(s.getState()).isEqualTo(SegmentState.FLUSHED));
    }
}
