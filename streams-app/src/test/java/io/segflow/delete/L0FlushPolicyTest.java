package io.segflow.delete;

import io.segflow.seal.SealReason;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class L0FlushPolicyTest {
    private static final L0FlushPolicy POLICY = new L0FlushPolicy(1000, 100, 60_000);

    @ParameterizedTest(name = "{0} entries, {1} bytes, {2} ms old -> {3}")
    @CsvSource({
        "0,   0,    999999, ''",
        "1,   10,   0,      ''",
        "1,   1000, 0,      l0-size",
        "100, 10,   0,      l0-entries",
        "1,   10,   60000,  l0-age",
        "99,  999,  59999,  ''",
    })
    void theBufferFlushesOnSizeEntriesOrAge(long entries, long bytes, long ageMs, String reason) {
        long now = 1_000_000;

        assertThat(POLICY.decide(entries, bytes, now - ageMs, now).map(SealReason::label).orElse("")).isEqualTo(reason == null ? "" : reason);
    }
}
