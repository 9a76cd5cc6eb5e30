package io.segflow.embedded;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ByteRangeTest {
    private static final long SIZE = 1000;

    @Test
    void aRangeWithinTheObjectIsTakenAsItIs() {
        assertThat(ByteRange.of("bytes=0-0", SIZE)).contains(new ByteRange(0, 0));
        assertThat(ByteRange.of("bytes=100-199", SIZE)).contains(new ByteRange(100, 199));
        assertThat(ByteRange.of("bytes=100-199", SIZE).orElseThrow().length()).isEqualTo(100);
        assertThat(ByteRange.of("bytes=100-199", SIZE).orElseThrow().contentRange(SIZE)).isEqualTo("bytes 100-199/1000");
    }

    @Test
    void anOpenOrOverlongEndStopsAtTheLastByte() {
        assertThat(ByteRange.of("bytes=900-", SIZE)).contains(new ByteRange(900, 999));
        assertThat(ByteRange.of("bytes=900-5000", SIZE)).contains(new ByteRange(900, 999));
    }

    @Test
    void aSuffixIsTheLastBytesOrTheWholeObject() {
        assertThat(ByteRange.of("bytes=-10", SIZE)).contains(new ByteRange(990, 999));
        assertThat(ByteRange.of("bytes=-5000", SIZE)).contains(new ByteRange(0, 999));
    }

    @Test
    void formsS3DoesNotTakeAskForTheWholeObject() {
        assertThat(ByteRange.of("bytes=0-1,5-6", SIZE)).isEmpty();
        assertThat(ByteRange.of("items=0-1", SIZE)).isEmpty();
        assertThat(ByteRange.of("bytes=7", SIZE)).isEmpty();
        assertThat(ByteRange.of("bytes=9-3", SIZE)).isEmpty();
        assertThat(ByteRange.of("bytes=a-b", SIZE)).isEmpty();
    }

    @Test
    void aRangeBeyondTheObjectOrAnEmptySuffixIsUnsatisfiable() {
        for (String header : new String[] {"bytes=1000-", "bytes=1000-1005", "bytes=-0"}) {
            assertThatThrownBy(() -> ByteRange.of(header, SIZE)).as(header)
                    .isInstanceOfSatisfying(S3Exception.class, e -> {
                        assertThat(e.status()).isEqualTo(416);
                        assertThat(e.code()).isEqualTo("InvalidRange");
                    });
        }
        assertThatThrownBy(() -> ByteRange.of("bytes=0-", 0)).isInstanceOf(S3Exception.class);
    }
}
