package io.segflow.compaction;

import io.segflow.schema.CompactionEntry;
import io.segflow.schema.CompactionTask;
import io.segflow.schema.CompactionType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CompactionBacklogTest {
    private static SegmentInfo segment(long id, long bytes, long deltaBytes) {
        return SegmentInfo.newBuilder().setId(id).setCollection("c").setChannel(0).setPartition("_default").setLevel(SegmentLevel.L1)
                .setState(SegmentState.FLUSHED).setRows(10).setBytes(bytes).setDeltaLogBytes(deltaBytes).setMinPosition(0).setMaxPosition(9)
                .setCreatedAtMs(0).setLastWriteMs(0).build();
    }

    /** A task reading {@code inputs}; its described segments also hold a target, which it does not read. */
    private static CompactionEntry entry(String taskId, TaskState state, long... inputs) {
        List<Long> ids = Arrays.stream(inputs).boxed().toList();
        List<SegmentInfo> described = new ArrayList<>(ids.stream().map(id -> segment(id, 1000 * id, 10)).toList());
        described.add(segment(99, 1_000_000, 0));
        CompactionTask task = CompactionTask.newBuilder().setTaskId(taskId).setTriggerId("trigger").setCollection("c").setChannel(0)
                .setType(CompactionType.MIX).setInputs(ids).setTargets(List.of(99L)).setTargetLevel(SegmentLevel.L1).setPriority(1)
                .setReason("test").setCreatedAtMs(0).setInputSegments(described).build();
        return CompactionEntry.newBuilder().setTask(task).setState(state.name()).setUpdatedAtMs(0).build();
    }

    @Test
    void countsQueuedAndRunningTasksWithTheBytesOfTheirInputsAndDeltaLogsOnly() {
        CompactionBacklog backlog = CompactionBacklog.of(List.of(
                entry("queued", TaskState.PIPELINING, 1, 2),
                entry("retry", TaskState.FAILED, 3),
                entry("running", TaskState.EXECUTING, 4),
                entry("timed-out", TaskState.TIMEOUT, 5)));

        assertThat(backlog).isEqualTo(new CompactionBacklog(3, 1010 + 2010 + 3010 + 5010, 1, 4010));
    }

    @Test
    void leavesOutFinishedTasksAndTheMarkersOfManualRequests() {
        CompactionBacklog backlog = CompactionBacklog.of(List.of(
                entry("saved", TaskState.META_SAVED, 1),
                entry("done", TaskState.COMPLETED, 2),
                entry("cleaned", TaskState.CLEANED, 3),
                entry(ChannelCompactions.REQUEST_PREFIX + "abc", TaskState.PIPELINING, 4)));

        assertThat(backlog).isEqualTo(CompactionBacklog.NONE);
    }

    @Test
    void weighsQueuedAndRunningTasksTogether() {
        List<CompactionEntry> entries = List.of(entry("queued", TaskState.PIPELINING, 1, 2), entry("running", TaskState.EXECUTING, 4),
                entry("done", TaskState.COMPLETED, 2), entry(ChannelCompactions.REQUEST_PREFIX + "abc", TaskState.PIPELINING, 4));

        assertThat(CompactionBacklog.of(entries).totalBytes()).isEqualTo(3020 + 4010);
    }
}
