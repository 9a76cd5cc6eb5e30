package io.segflow.gc;

import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import io.segflow.storage.StoredObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Which files garbage collection may delete, given grace periods, pins, shared delta logs and work in progress. */
class CollectionDecisionsTest {
    private static final long NOW = 10_000_000;
    private static final long GRACE = 60_000;

    private static SegmentInfo segment(long id, SegmentState state, long droppedAtMs, String... deltaLogs) {
        return SegmentInfo.newBuilder().setId(id).setCollection("c").setChannel(0).setPartition("_default").setLevel(SegmentLevel.L1)
                .setState(state).setRows(10).setMinPosition(0).setMaxPosition(9).setCreatedAtMs(0).setLastWriteMs(0)
                .setDroppedAtMs(droppedAtMs).setInsertLogPaths(List.of("c/0/" + id + "/insert_log/0.avro"))
                .setStatsLogPath("c/0/" + id + "/stats_log/stats.avro").setDeltaLogPaths(List.of(deltaLogs)).build();
    }

    private static List<CollectionDecisions.Removal> dropped(List<SegmentInfo> settled, Set<Long> inProgress, Set<Long> deleting,
                                                           Set<String> pinned) {
        return CollectionDecisions.dropped(settled, inProgress, deleting, pinned::contains, GRACE, NOW);
    }

    @Test
    void aDroppedSegmentsFilesGoOnceItsGracePeriodHasPassed() {
        SegmentInfo old = segment(1, SegmentState.DROPPED, NOW - GRACE, "c/0/1/delta_log/0.avro");
        SegmentInfo recent = segment(2, SegmentState.DROPPED, NOW - GRACE + 1);
        SegmentInfo live = segment(3, SegmentState.FLUSHED, 0);
        assertThat(dropped(List.of(old, recent, live), Set.of(), Set.of(), Set.of())).singleElement().satisfies(removal -> {
            assertThat(removal.segmentId()).isEqualTo(1);
            assertThat(removal.files()).containsExactlyInAnyOrder("c/0/1/insert_log/0.avro", "c/0/1/stats_log/stats.avro",
                    "c/0/1/delta_log/0.avro");
        });
    }

    @Test
    void aDeltaLogALiveSegmentStillNamesStaysWhileTheRestOfTheSegmentGoes() {
        SegmentInfo dropped = segment(1, SegmentState.DROPPED, 0, "c/0/1/delta_log/0.avro");
        SegmentInfo carrier = segment(2, SegmentState.FLUSHED, 0, "c/0/1/delta_log/0.avro");
        assertThat(dropped(List.of(dropped, carrier), Set.of(), Set.of(), Set.of())).singleElement()
                .satisfies(removal -> assertThat(removal.files()).doesNotContain("c/0/1/delta_log/0.avro").hasSize(2));
    }

    @Test
    void aPinnedFileARunningL0DeleteOrADeleteUnderWayKeepsTheSegment() {
        List<SegmentInfo> settled = List.of(segment(1, SegmentState.DROPPED, 0), segment(2, SegmentState.DROPPED, 0),
                segment(3, SegmentState.DROPPED, 0), segment(4, SegmentState.DROPPED, 0));
        assertThat(dropped(settled, Set.of(2L), Set.of(3L), Set.of("c/0/4/stats_log/stats.avro")))
                .extracting(CollectionDecisions.Removal::segmentId).containsExactly(1L);
    }

    @Test
    void anOrphanIsAnOldUnnamedObjectOutsideEverySegmentBeingWrittenAndUnpinned() {
        long cutoff = NOW - GRACE;
        List<StoredObject> listed = List.of(
                new StoredObject("c/0/1/insert_log/0.avro", 10, 0),
                new StoredObject("c/0/7/insert_log/0.avro", 10, 0),
                new StoredObject("c/0/8/insert_log/0.avro", 10, cutoff + 1),
                new StoredObject("c/0/9/insert_log/0.avro", 10, 0),
                new StoredObject("c/0/90/insert_log/0.avro", 10, 0),
                new StoredObject("c/0/6/stats_log/stats.avro", 10, 0));
        List<String> orphans = CollectionDecisions.orphans(listed, Set.of("c/0/1/insert_log/0.avro"), Set.of("c/0/9/"),
                Set.of("c/0/6/stats_log/stats.avro")::contains, cutoff);
        assertThat(orphans).as("named, young, being written and pinned objects stay; the prefix of 9 is not the prefix of 90")
                .containsExactly("c/0/7/insert_log/0.avro", "c/0/90/insert_log/0.avro");
    }
}
