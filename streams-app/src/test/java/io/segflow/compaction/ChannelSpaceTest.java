package io.segflow.compaction;

import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ChannelSpaceTest {
    private static SegmentInfo segment(long id, SegmentLevel level, SegmentState state, long rows, long deletedRows, long bytes, long deltaBytes) {
        return SegmentInfo.newBuilder().setId(id).setCollection("c").setChannel(0).setPartition("_default").setLevel(level).setState(state)
                .setRows(rows).setDeletedRows(deletedRows).setBytes(bytes).setDeltaLogBytes(deltaBytes).setMinPosition(0).setMaxPosition(9)
                .setCreatedAtMs(0).setLastWriteMs(0).build();
    }

    @Test
    void deletedRowsAndDroppedFilesAreGarbage() {
        ChannelSpace space = ChannelSpace.of(List.of(
                segment(1, SegmentLevel.L1, SegmentState.FLUSHED, 100, 25, 10_000, 100),
                segment(2, SegmentLevel.L1, SegmentState.FLUSHED, 100, 0, 10_000, 0),
                segment(3, SegmentLevel.L1, SegmentState.DROPPED, 100, 0, 5_000, 0)), 0, 0, 0);

        assertThat(space.storedBytes()).isEqualTo(25_100);
        // A quarter of segment 1's insert logs (the policies' estimate) and its delta log, which a rewrite drops; all of segment 3.
        assertThat(space.garbageBytes()).isEqualTo(2_500 + 100 + 5_000);
        assertThat(space.amplification()).isEqualTo(25_100 / 17_500.0);
    }

    @Test
    void anL0DeleteNotYetAppliedCountsAsARowOfAverageSize() {
        ChannelSpace space = ChannelSpace.of(List.of(
                segment(1, SegmentLevel.L1, SegmentState.FLUSHED, 100, 0, 10_000, 0),
                segment(2, SegmentLevel.L0, SegmentState.FLUSHED, 30, 0, 300, 0)), 0, 0, 0);

        assertThat(space.storedBytes()).isEqualTo(10_300);
        assertThat(space.garbageBytes()).isEqualTo(3_000);
    }

    @Test
    void bufferedDeletesCountLikeThoseOfL0Segments() {
        ChannelSpace space = ChannelSpace.of(List.of(segment(1, SegmentLevel.L1, SegmentState.FLUSHED, 100, 0, 10_000, 0)), 30, 0, 0);

        assertThat(space.garbageBytes()).isEqualTo(3_000);
    }

    @Test
    void deletesCannotKillMoreThanIsLive() {
        ChannelSpace space = ChannelSpace.of(List.of(
                segment(1, SegmentLevel.L1, SegmentState.FLUSHED, 10, 0, 1_000, 0),
                segment(2, SegmentLevel.L0, SegmentState.FLUSHED, 50, 0, 500, 0)), 0, 0, 0);

        assertThat(space.garbageBytes()).isEqualTo(1_000);
        assertThat(space.amplification()).isEqualTo(1_500 / 500.0);
    }

    @Test
    void anEmptyChannelHasNoAmplificationAndAllGarbageHasNoBound() {
        assertThat(ChannelSpace.of(List.of(), 0, 0, 0).amplification()).isEqualTo(1.0);
        assertThat(new ChannelSpace(100, 100).amplification()).isEqualTo(Double.POSITIVE_INFINITY);
    }
}
