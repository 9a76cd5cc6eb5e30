package io.segflow.catalog;

import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

import static io.segflow.schema.SegmentState.DROPPED;
import static io.segflow.schema.SegmentState.FLUSHED;
import static io.segflow.schema.SegmentState.FLUSHING;
import static io.segflow.schema.SegmentState.GROWING;
import static io.segflow.schema.SegmentState.IMPORTING;
import static io.segflow.schema.SegmentState.SEALED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The segment life as a table: every legal move allowed, every other one of the 36 rejected. */
class SegmentTransitionsTest {
    private static final Map<SegmentState, Set<SegmentState>> LEGAL = Map.of(
            GROWING, EnumSet.of(GROWING, SEALED),
            SEALED, EnumSet.of(SEALED, FLUSHING),
            FLUSHING, EnumSet.of(FLUSHING, FLUSHED, SEALED),
            FLUSHED, EnumSet.of(FLUSHED, DROPPED),
            DROPPED, EnumSet.of(DROPPED),
            IMPORTING, EnumSet.of(IMPORTING, FLUSHED, DROPPED));

    @Test
    void everyMoveOutsideTheTableIsRejectedAndEveryMoveInItAllowed() {
        int rejected = 0;
        for (SegmentState from : SegmentState.values()) {
            for (SegmentState to : SegmentState.values()) {
                if (LEGAL.get(from).contains(to)) {
                    assertThatCode(() -> SegmentTransitions.check(7, from, to)).as(from + " -> " + to).doesNotThrowAnyException();
                } else {
                    rejected++;
                    assertThatThrownBy(() -> SegmentTransitions.check(7, from, to)).as(from + " -> " + to)
                            .isInstanceOf(IllegalSegmentChangeException.class).hasMessageContaining("segment 7 cannot go from " + from);
                }
            }
        }
        assertThat(rejected).as("36 pairs, 13 legal").isEqualTo(23);
    }

    @Test
    void aSegmentIsBornGrowingSealedAsL0FlushedAsAnOutputOrImporting() {
        assertThat(SegmentTransitions.canBeBorn(SegmentLevel.L1, GROWING)).isTrue();
        assertThat(SegmentTransitions.canBeBorn(SegmentLevel.L0, SEALED)).isTrue();
        assertThat(SegmentTransitions.canBeBorn(SegmentLevel.L2, FLUSHED)).isTrue();
        assertThat(SegmentTransitions.canBeBorn(SegmentLevel.L1, IMPORTING)).isTrue();
        assertThat(SegmentTransitions.canBeBorn(SegmentLevel.L0, GROWING)).as("deletes never grow").isFalse();
        assertThat(SegmentTransitions.canBeBorn(SegmentLevel.L1, SEALED)).as("rows seal after growing").isFalse();
        assertThat(SegmentTransitions.canBeBorn(SegmentLevel.L0, FLUSHED)).as("an L0 segment flushes from the buffer").isFalse();
        for (SegmentLevel level : SegmentLevel.values()) {
            assertThat(SegmentTransitions.canBeBorn(level, FLUSHING)).isFalse();
            assertThat(SegmentTransitions.canBeBorn(level, DROPPED)).isFalse();
        }
        assertThatThrownBy(() -> SegmentTransitions.checkBirth(3, SegmentLevel.L1, DROPPED))
                .isInstanceOf(IllegalSegmentChangeException.class).hasMessageContaining("segment 3 cannot start DROPPED");
    }

    @Test
    void onlyADroppedSegmentLeavesTheCatalog() {
        assertThatCode(() -> SegmentTransitions.checkForget(1, DROPPED)).doesNotThrowAnyException();
        for (SegmentState state : EnumSet.complementOf(EnumSet.of(DROPPED))) {
            assertThatThrownBy(() -> SegmentTransitions.checkForget(1, state)).as(state.name())
                    .isInstanceOf(IllegalSegmentChangeException.class);
        }
    }
}
