package io.segflow.catalog;

import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import io.segflow.testing.TestStores;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The catalog on a real (in-memory) Streams store: the one writer, checking every move, publishing what settles. */
class ChannelCatalogTest {
    private KeyValueStore<Long, SegmentInfo> store;
    private final List<String> published = new ArrayList<>();
    private ChannelCatalog catalog;

    @BeforeEach
    void open() {
        store = TestStores.inMemory("segments", Serdes.Long(), TestStores.avro(SegmentInfo.class));
        catalog = new ChannelCatalog(store, (id, segment) -> published.add(id + ":" + (segment == null ? "tombstone" : segment.getState())));
    }

    static SegmentInfo segment(long id, SegmentLevel level, SegmentState state, long minPosition) {
        return SegmentInfo.newBuilder().setId(id).setCollection("c").setChannel(0).setPartition(level == SegmentLevel.L0 ? "*" : "_default")
                .setLevel(level).setState(state).setRows(10).setMinPosition(minPosition).setMaxPosition(minPosition + 9)
                .setCreatedAtMs(0).setLastWriteMs(0).build();
    }

    private void move(long id, SegmentState to) {
        SegmentInfo segment = catalog.get(id).orElseThrow();
        segment.setState(to);
        catalog.apply(CatalogChange.put(segment));
    }

    @Test
    void aSegmentLivesGrowingToDroppedAndOnlyItsSettledStatesArePublished() {
        catalog.apply(CatalogChange.put(segment(1, SegmentLevel.L1, SegmentState.GROWING, 0)));
        move(1, SegmentState.SEALED);
        move(1, SegmentState.FLUSHING);
        move(1, SegmentState.FLUSHED);
        move(1, SegmentState.DROPPED);
        catalog.apply(CatalogChange.forget(1));
        assertThat(published).containsExactly("1:FLUSHED", "1:DROPPED", "1:tombstone");
        assertThat(store.get(1L)).as("gone from the store too").isNull();
        assertThat(catalog.all()).isEmpty();
    }

    @Test
    void theTallyCountsSegmentsAndTheirBytesByStateAndLevelAsTheyMove() {
        SegmentInfo rows = segment(1, SegmentLevel.L1, SegmentState.GROWING, 0);
        rows.setBytes(700);
        catalog.apply(CatalogChange.put(rows));
        catalog.apply(CatalogChange.put(segment(2, SegmentLevel.L1, SegmentState.GROWING, 10)));
        catalog.apply(CatalogChange.put(segment(3, SegmentLevel.L0, SegmentState.SEALED, 20)));
        SegmentTally before = catalog.tally();
        move(1, SegmentState.SEALED);

        assertThat(before.count(SegmentState.GROWING, SegmentLevel.L1)).isEqualTo(2);
        assertThat(before.bytes(SegmentState.GROWING, SegmentLevel.L1)).isEqualTo(700);
        assertThat(before.count(SegmentState.SEALED, SegmentLevel.L0)).isEqualTo(1);
        SegmentTally after = catalog.tally();
        assertThat(after.count(SegmentState.GROWING, SegmentLevel.L1)).isEqualTo(1);
        assertThat(after.count(SegmentState.SEALED, SegmentLevel.L1)).isEqualTo(1);
        assertThat(after.bytes(SegmentState.SEALED, SegmentLevel.L1)).isEqualTo(700);
        assertThat(after.count(SegmentState.FLUSHED, SegmentLevel.L1)).isZero();
        assertThat(SegmentTally.EMPTY.count(SegmentState.SEALED, SegmentLevel.L0)).isZero();
    }

    @Test
    void anIllegalMoveIsRejectedAndChangesNothing() {
        catalog.apply(CatalogChange.put(segment(1, SegmentLevel.L1, SegmentState.GROWING, 0)));
        assertThatThrownBy(() -> move(1, SegmentState.FLUSHED)).isInstanceOf(IllegalSegmentChangeException.class)
                .hasMessageContaining("cannot go from GROWING to FLUSHED");
        assertThatThrownBy(() -> catalog.apply(CatalogChange.forget(1))).isInstanceOf(IllegalSegmentChangeException.class);
        assertThatThrownBy(() -> catalog.apply(CatalogChange.put(segment(2, SegmentLevel.L1, SegmentState.DROPPED, 0))))
                .isInstanceOf(IllegalSegmentChangeException.class);
        assertThat(catalog.get(1)).hasValueSatisfying(s -> assertThat(s.getState()).isEqualTo(SegmentState.GROWING));
        assertThat(store.get(1L).getState()).isEqualTo(SegmentState.GROWING);
        assertThat(catalog.get(2)).isEmpty();
        assertThat(published).isEmpty();
    }

    @Test
    void theSettledSegmentsAreCopiedAgainOnlyWhenOneOfThemChanges() {
        catalog.apply(CatalogChange.put(segment(1, SegmentLevel.L1, SegmentState.GROWING, 0)));
        move(1, SegmentState.SEALED);
        move(1, SegmentState.FLUSHING);
        move(1, SegmentState.FLUSHED);
        catalog.apply(CatalogChange.put(segment(2, SegmentLevel.L1, SegmentState.GROWING, 10)));
        List<SegmentInfo> settled = catalog.settled();
        assertThat(settled).extracting(SegmentInfo::getId).containsExactly(1L);

        SegmentInfo growing = catalog.get(2).orElseThrow();
        growing.setRows(99);
        catalog.apply(CatalogChange.put(growing));
        assertThat(catalog.settled()).as("a growing segment's checkpoint leaves them as they were").isSameAs(settled);

        move(1, SegmentState.DROPPED);
        assertThat(catalog.settled()).extracting(SegmentInfo::getState).containsExactly(SegmentState.DROPPED);
        move(2, SegmentState.SEALED);
        move(2, SegmentState.FLUSHING);
        move(2, SegmentState.FLUSHED);
        assertThat(catalog.settled()).extracting(SegmentInfo::getId).containsExactly(2L, 1L);
        catalog.apply(CatalogChange.forget(1));
        assertThat(catalog.settled()).extracting(SegmentInfo::getId).containsExactly(2L);
    }

    @Test
    void whatTheCatalogHandsOutIsACopy() {
        catalog.apply(CatalogChange.put(segment(1, SegmentLevel.L1, SegmentState.GROWING, 0)));
        SegmentInfo given = catalog.get(1).orElseThrow();
        given.setState(SegmentState.DROPPED);
        given.setRows(999);
        catalog.inState(SegmentState.GROWING).get(0).setRows(555);
        assertThat(catalog.get(1)).hasValueSatisfying(s -> {
            assertThat(s.getState()).isEqualTo(SegmentState.GROWING);
            assertThat(s.getRows()).isEqualTo(10);
        });
        assertThat(catalog.count(SegmentState.GROWING)).isOne();
        assertThat(catalog.count(SegmentState.DROPPED)).isZero();
    }

    @Test
    void aRestartSendsAnUnfinishedFlushBackToSealedAndKeepsTheIndexes() {
        store.put(1L, segment(1, SegmentLevel.L1, SegmentState.FLUSHING, 100));
        store.put(2L, segment(2, SegmentLevel.L0, SegmentState.FLUSHED, 50));
        store.put(3L, segment(3, SegmentLevel.L1, SegmentState.GROWING, 200));
        store.put(4L, segment(4, SegmentLevel.L1, SegmentState.DROPPED, 0));
        catalog.restore();
        assertThat(catalog.inState(SegmentState.SEALED)).extracting(SegmentInfo::getId).containsExactly(1L);
        assertThat(store.get(1L).getState()).isEqualTo(SegmentState.SEALED);
        assertThat(catalog.count(SegmentState.FLUSHING)).isZero();
        assertThat(catalog.inState(SegmentState.FLUSHED, SegmentLevel.L0)).extracting(SegmentInfo::getId).containsExactly(2L);
        assertThat(catalog.unflushedIds()).containsExactly(1L, 3L);
        assertThat(catalog.minUnflushedPosition(true)).isEqualTo(100);
        SegmentGroups groups = catalog.groups();
        assertThat(groups.unflushedRows()).extracting(SegmentInfo::getId).containsExactly(1L, 3L);
        assertThat(groups.settled()).extracting(SegmentInfo::getId).containsExactlyInAnyOrder(2L, 4L);
        assertThat(published).as("a restart publishes nothing: C.segments has it all").isEmpty();
    }

    @Test
    void anUnflushedL0SegmentCountsForPositionsButNotForRows() {
        catalog.apply(CatalogChange.put(segment(1, SegmentLevel.L0, SegmentState.SEALED, 40)));
        catalog.apply(CatalogChange.put(segment(2, SegmentLevel.L1, SegmentState.GROWING, 60)));
        assertThat(catalog.minUnflushedPosition(false)).isEqualTo(40);
        assertThat(catalog.minUnflushedPosition(true)).isEqualTo(60);
        move(2, SegmentState.SEALED);
        move(2, SegmentState.FLUSHING);
        move(2, SegmentState.FLUSHED);
        assertThat(catalog.minUnflushedPosition(true)).isEqualTo(Long.MAX_VALUE);
    }
}
