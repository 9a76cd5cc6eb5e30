package io.segflow.compaction;

import java.util.EnumSet;
import java.util.Set;

/**
 * A compaction task's life: planned and queued (pipelining), running on a worker (executing),
 * its result applied to the catalog (meta_saved), its result acknowledged (completed), its
 * inputs' or orphaned outputs' files handed to garbage collection (cleaned); or it failed or
 * ran out of time, and is queued again (a retry) or cleaned.
 */
public enum TaskState {
    PIPELINING, EXECUTING, META_SAVED, COMPLETED, CLEANED, FAILED, TIMEOUT;

    public Set<TaskState> next() {
        return switch (this) {
            case PIPELINING -> EnumSet.of(EXECUTING, FAILED);
            case EXECUTING -> EnumSet.of(META_SAVED, FAILED, TIMEOUT);
            case META_SAVED -> EnumSet.of(COMPLETED);
            case COMPLETED -> EnumSet.of(CLEANED);
            case FAILED, TIMEOUT -> EnumSet.of(PIPELINING, CLEANED);
            case CLEANED -> EnumSet.noneOf(TaskState.class);
        };
    }

    /** Done with its inputs (committed, or finished for good): they are free for other tasks. */
    public boolean releasedInputs() {
        return this == COMPLETED || this == CLEANED;
    }

    /** The state after {@code this} moved to {@code target}; throws if that is not a step of the machine. */
    public TaskState moveTo(TaskState target) {
        if (!next().contains(target)) {
            throw new IllegalStateException("a compaction task cannot go from " + this + " to " + target);
        }
        return target;
    }
}
