package io.segflow.segment;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentIdsTest {
    @Test
    void idsOfDifferentChannelsNeverCollide() {
        Set<Long> ids = new HashSet<>();
        for (int channel = 0; channel < 64; channel++) {
            for (long counter = 1; counter <= 1000; counter++) {
                assertThat(ids.add(SegmentIds.id(counter, channel))).isTrue();
            }
        }
    }

    @Test
    void theLowBitsAreTheChannelAndIdsGrowWithTheCounter() {
        assertThat(SegmentIds.id(3, 5) & 0xff).isEqualTo(5);
        assertThat(SegmentIds.id(4, 0)).isGreaterThan(SegmentIds.id(3, 255));
    }

    @Test
    void aChannelOutsideEightBitsIsRefused() {
        assertThatThrownBy(() -> SegmentIds.id(1, 256)).hasMessageContaining("256");
    }
}
