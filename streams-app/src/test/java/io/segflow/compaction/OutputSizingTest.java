package io.segflow.compaction;

import io.segflow.schema.CompactionType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The one sizing rule: what the coordinator reserves is what the worker may cut, plus one spare. */
class OutputSizingTest {
    private static final long MB = 1 << 20;

    @Test
    void outputsAreWhatTheBytesNeedAtTheTargetSizeAndAtLeastOne() {
        assertThat(OutputSizing.outputs(0, 64 * MB)).isOne();
        assertThat(OutputSizing.outputs(64 * MB, 64 * MB)).isOne();
        assertThat(OutputSizing.outputs(64 * MB + 1, 64 * MB)).isEqualTo(2);
        assertThat(OutputSizing.outputs(640 * MB, 64 * MB)).isEqualTo(10);
        assertThat(OutputSizing.outputs(Long.MAX_VALUE, 0)).as("no target: one output").isOne();
        assertThat(OutputSizing.outputs(Long.MAX_VALUE, 1)).isEqualTo(OutputSizing.MAX_OUTPUTS);
    }

    @Test
    void aPlanReservesOneSpareIdAndAnL0DeleteOne() {
        assertThat(OutputSizing.reserved(CompactionType.MIX, 640 * MB, 64 * MB)).isEqualTo(11);
        assertThat(OutputSizing.reserved(CompactionType.FORCE_MERGE, 1, 0)).isEqualTo(2);
        assertThat(OutputSizing.reserved(CompactionType.L0_DELETE, 640 * MB, 64 * MB)).isOne();
        assertThat(OutputSizing.reserved(CompactionType.SORT, Long.MAX_VALUE, 1)).isEqualTo(OutputSizing.MAX_OUTPUTS);
    }
}
