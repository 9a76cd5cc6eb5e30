package io.segflow.compaction;

import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The reclaim lag from the catalog: the oldest delete or expiry whose bytes are still stored. */
class ReclaimLagTest {
    private static final long NOW = 10_000_000;

    private static SegmentInfo segment(long id, SegmentLevel level, SegmentState state, long oldestDeleteMs, long minEventMs) {
        return builder(id, level, state, oldestDeleteMs, minEventMs).build();
    }

    private static SegmentInfo.Builder builder(long id, SegmentLevel level, SegmentState state, long oldestDeleteMs, long minEventMs) {
        return SegmentInfo.newBuilder().setId(id).setCollection("c").setChannel(0).setPartition("_default").setLevel(level).setState(state)
                .setRows(100).setMinPosition(0).setMaxPosition(99).setCreatedAtMs(0).setLastWriteMs(0).setFlushedAtMs(NOW - 50_000)
                .setOldestDeleteMs(oldestDeleteMs).setMinEventMs(minEventMs).setMaxEventMs(minEventMs + 1000);
    }

    @Test
    void theOldestDeleteExpiryOrUncollectedDropCounts() {
        assertThat(ReclaimLag.of(List.of(), 0, NOW)).isZero();
        assertThat(ReclaimLag.of(List.of(segment(1, SegmentLevel.L1, SegmentState.FLUSHED, -1, NOW)), 0, NOW)).as("nothing deleted").isZero();
        assertThat(ReclaimLag.of(List.of(segment(1, SegmentLevel.L1, SegmentState.FLUSHED, NOW - 3000, NOW),
                segment(2, SegmentLevel.L1, SegmentState.DROPPED, NOW - 7000, NOW)), 0, NOW)).isEqualTo(7000);
        assertThat(ReclaimLag.of(List.of(segment(3, SegmentLevel.L0, SegmentState.FLUSHED, -1, 0)), 0, NOW))
                .as("an L0 segment without a delete time counts from its flush").isEqualTo(50_000);
        assertThat(ReclaimLag.of(List.of(segment(4, SegmentLevel.L1, SegmentState.FLUSHED, -1, NOW - 20_000)), 10_000, NOW))
                .as("rows expired by the TTL count from their expiry").isEqualTo(10_000);
        assertThat(ReclaimLag.of(List.of(builder(5, SegmentLevel.L1, SegmentState.FLUSHED, -1, NOW - 7_200_000).setCreatedAtMs(NOW - 4000)
                .build()), 3_600_000, NOW)).as("rows that came in expired count from the segment's creation, not their expiry").isEqualTo(4000);
    }
}
