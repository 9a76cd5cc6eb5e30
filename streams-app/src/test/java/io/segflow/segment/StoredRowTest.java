package io.segflow.segment;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StoredRowTest {
    @Test
    void aRowDecodesToWhatWasEncoded() {
        StoredRow row = new StoredRow(42, 1_700_000_000_000L, new byte[] {1, 2, 3}, new byte[] {0, 0, 0, 0, 7, 9});

        StoredRow decoded = StoredRow.decode(row.encode());

        assertThat(decoded.position()).isEqualTo(42);
        assertThat(decoded.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(decoded.pk()).containsExactly(1, 2, 3);
        assertThat(decoded.dmlValue()).containsExactly(0, 0, 0, 0, 7, 9);
        assertThat(row.storedBytes()).isEqualTo(row.encode().length);
    }

    @Test
    void aSegmentsRowsAreOneRangeInPositionOrder() {
        assertThat(StoredRow.key(7, 1).compareTo(StoredRow.key(7, 300))).isNegative();
        assertThat(StoredRow.key(7, Long.MAX_VALUE - 1).compareTo(StoredRow.lastKey(7))).isNegative();
        assertThat(StoredRow.lastKey(7).compareTo(StoredRow.firstKey(8))).isNegative();
        assertThat(StoredRow.firstKey(7).compareTo(StoredRow.key(7, 0))).isZero();
    }
}
