package io.segflow.compaction;

import io.segflow.schema.CompactionType;

import java.util.List;

/**
 * A compaction asked for through the API: one type of rewrite, optionally narrowed to a partition,
 * a channel or given segments, with a target size (force merge).
 *
 * @param channel     null: every channel
 * @param segments    empty: every segment the policy would choose
 * @param targetBytes 0: the configured target size
 */
public record ManualCompaction(String id, CompactionType type, String partition, Integer channel, List<Long> segments, long targetBytes,
                               boolean dryRun) {
    public ManualCompaction {
        segments = List.copyOf(segments);
    }

    public boolean covers(int channel) {
        return this.channel == null || this.channel == channel;
    }
}
