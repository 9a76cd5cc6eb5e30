package io.segflow.schema.dml;

import io.segflow.schema.PkType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrimaryKeysTest {
    @Test
    void longKeysAreEightBytesBigEndian() {
        assertThat(PrimaryKeys.encode(258L)).containsExactly(0, 0, 0, 0, 0, 0, 1, 2);
        assertThat(PrimaryKeys.decode(PkType.INT64, PrimaryKeys.encode(-7L))).isEqualTo(-7L);
    }

    @Test
    void stringKeysAreUtf8WithoutPrefix() {
        assertThat(PrimaryKeys.encode("é1")).containsExactly(0xc3, 0xa9, '1');
        assertThat(PrimaryKeys.decode(PkType.VARCHAR, PrimaryKeys.encode("é1"))).isEqualTo("é1");
    }

    @Test
    void aKeyMatchesOnlyItsOwnPrimaryKey() {
        assertThat(PrimaryKeys.matches(PrimaryKeys.encode(5L), 5L)).isTrue();
        assertThat(PrimaryKeys.matches(PrimaryKeys.encode(5L), 6L)).isFalse();
        assertThat(PrimaryKeys.matches(null, 5L)).isFalse();
    }

    @Test
    void anInt64KeyOfAnotherLengthIsRefused() {
        assertThatThrownBy(() -> PrimaryKeys.decode(PkType.INT64, new byte[4])).hasMessageContaining("not 4");
    }
}
