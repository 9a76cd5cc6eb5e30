package io.segflow.compaction;

import java.util.List;
import java.util.Set;

/**
 * An immutable view of one channel's flushed segments at time {@code nowMs}, with the ids of those
 * already in a planned or running task (no segment is in two).
 */
public record CompactionView(int channel, List<FlushedSegment> segments, Set<Long> busy, int latestSchemaVersion, long nowMs) {
    public CompactionView {
        segments = List.copyOf(segments);
        busy = Set.copyOf(busy);
    }

    /** The segments no task holds. */
    public List<FlushedSegment> free() {
        return segments.stream().filter(s -> !busy.contains(s.id())).toList();
    }
}
