package io.segflow.compaction;

import io.segflow.schema.CompactionType;
import io.segflow.schema.SegmentLevel;

import java.util.List;

/**
 * A rewrite a policy chose: its inputs (for L0 delete: the L0 segments, whose deletes move into
 * the {@code targets} they reach), the level of its outputs, its priority (lower runs first) and why.
 */
public record CompactionPlan(CompactionType type, int channel, String partition, List<Long> inputs, List<Long> targets,
                             SegmentLevel targetLevel, long targetSizeBytes, int priority, CompactionReason reason) {
    public CompactionPlan {
        inputs = List.copyOf(inputs);
        targets = List.copyOf(targets);
    }

    /** An L0 delete plan whose deletes reach no segment: its L0 segments are dropped without a worker. */
    public boolean fastFinish() {
        return type == CompactionType.L0_DELETE && targets.isEmpty();
    }
}
