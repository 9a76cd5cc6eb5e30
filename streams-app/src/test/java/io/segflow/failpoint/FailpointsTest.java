package io.segflow.failpoint;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailpointsTest {
    @Test
    void armsEachNamedPointForItsCountOrTheFirstTime() {
        assertThat(Failpoints.parse(" upload.partial:3, l0.uploaded ,"))
                .hasSize(2)
                .hasEntrySatisfying("upload.partial", left -> assertThat(left.get()).isEqualTo(3))
                .hasEntrySatisfying("l0.uploaded", left -> assertThat(left.get()).isEqualTo(1));
        assertThat(Failpoints.parse("")).isEmpty();
    }

    @Test
    void anUnarmedPointIsANoOp() {
        Failpoints.reach(Failpoints.UPLOAD_PARTIAL);
        Failpoints.reach(Failpoints.L0_UPLOADED);
        assertThat(System.getProperty(Failpoints.PROPERTY)).isNull();
    }
}
