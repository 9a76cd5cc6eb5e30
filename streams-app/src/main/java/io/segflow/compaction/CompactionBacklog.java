package io.segflow.compaction;

import io.segflow.schema.CompactionEntry;
import io.segflow.schema.CompactionTask;

import java.util.Collection;

/**
 * A channel's compaction work not yet done, from its coordinator's task entries: tasks queued
 * (planned, or waiting for a retry) and running, with the bytes each group will read. Pure.
 */
public record CompactionBacklog(int queuedTasks, long queuedBytes, int runningTasks, long runningBytes) {
    public static final CompactionBacklog NONE = new CompactionBacklog(0, 0, 0, 0);

    public static CompactionBacklog of(Collection<CompactionEntry> entries) {
        CompactionBacklog backlog = NONE;
        for (CompactionEntry entry : entries) {
            backlog = backlog.plus(of(entry));
        }
        return backlog;
    }

    private static CompactionBacklog of(CompactionEntry entry) {
        if (entry.getTask().getTaskId().startsWith(ChannelCompactions.REQUEST_PREFIX)) {
            return NONE;
        }
        long bytes = bytesToRead(entry.getTask());
        return switch (TaskState.valueOf(entry.getState())) {
            case PIPELINING, FAILED, TIMEOUT -> new CompactionBacklog(1, bytes, 0, 0);
            case EXECUTING -> new CompactionBacklog(0, 0, 1, bytes);
            case META_SAVED, COMPLETED, CLEANED -> NONE;
        };
    }

    /** The bytes queued and running tasks will read: what compaction backpressure weighs. */
    public long totalBytes() {
        return queuedBytes + runningBytes;
    }

    /** What a task reads: its input segments' files and their delta logs. */
    public static long bytesToRead(CompactionTask task) {
        return task.getInputSegments().stream().filter(s -> task.getInputs().contains(s.getId()))
                .mapToLong(s -> s.getBytes() + s.getDeltaLogBytes()).sum();
    }

    public CompactionBacklog plus(CompactionBacklog other) {
        return new CompactionBacklog(queuedTasks + other.queuedTasks, queuedBytes + other.queuedBytes,
                runningTasks + other.runningTasks, runningBytes + other.runningBytes);
    }
}
