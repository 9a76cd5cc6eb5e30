package io.segflow.read;

import io.segflow.schema.SegmentInfo;
import io.segflow.segment.StoredRow;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * One consistent state of a channel, as of position {@code through}: its flushed segments (L1
 * insert logs, L0 delta logs), the rows of its growing and sealed segments by segment, and the
 * deletes still in its L0 buffer (plain-key bytes → newest position).
 */
public record ChannelSnapshot(int channel, long through, List<SegmentInfo> flushed, List<SegmentInfo> flushedL0,
                              Map<SegmentInfo, List<StoredRow>> unflushedRows, Map<ByteBuffer, Long> bufferedDeletes) {
}
