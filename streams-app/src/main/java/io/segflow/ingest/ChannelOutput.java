package io.segflow.ingest;

import io.segflow.schema.CompactionTask;
import io.segflow.schema.SegmentInfo;
import org.apache.kafka.common.header.Headers;

/** Where a channel task's steps send records: its sinks, in the task's transaction. */
public interface ChannelOutput {
    /** A settled segment for {@code C.segments}; null is its tombstone. */
    void segment(long id, SegmentInfo segmentOrNull);

    /** A planned task for {@code C.compaction-tasks}. */
    void task(CompactionTask task);

    /** A record of bad input for {@code C.dlq}, with the headers that say why. */
    void deadLetter(byte[] key, byte[] value, long timestampMs, Headers headers);
}
