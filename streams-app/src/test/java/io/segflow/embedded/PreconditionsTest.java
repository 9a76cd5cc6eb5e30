package io.segflow.embedded;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PreconditionsTest {
    private static final String ETAG = "5d41402abc4b2a76";

    @Test
    void aReadIsNotModifiedWhereIfNoneMatchNamesTheTagQuotedOrNotOrAny() {
        assertThat(Preconditions.notModified(null, null, ETAG)).isFalse();
        assertThat(Preconditions.notModified(null, "\"" + ETAG + "\"", ETAG)).isTrue();
        assertThat(Preconditions.notModified(null, "\"other\", " + ETAG, ETAG)).isTrue();
        assertThat(Preconditions.notModified(null, "*", ETAG)).isTrue();
        assertThat(Preconditions.notModified(null, "\"other\"", ETAG)).isFalse();
    }

    @Test
    void aReadWhoseIfMatchNamesAnotherTagFailsItsPrecondition() {
        assertThat(Preconditions.notModified("\"" + ETAG + "\"", null, ETAG)).isFalse();
        assertThatThrownBy(() -> Preconditions.notModified("\"other\"", null, ETAG))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.status()).isEqualTo(412));
    }

    @Test
    void aPutWithIfNoneMatchAnyWritesOnlyAKeyThatHoldsNoObject() {
        assertThatCode(() -> Preconditions.checkPut(null, "*", null, "k")).doesNotThrowAnyException();
        assertThatThrownBy(() -> Preconditions.checkPut(null, "*", ETAG, "k"))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.status()).isEqualTo(412));
        assertThatCode(() -> Preconditions.checkPut(null, "\"other\"", ETAG, "k")).doesNotThrowAnyException();
    }

    @Test
    void aPutWithIfMatchReplacesOnlyTheObjectItNames() {
        assertThatCode(() -> Preconditions.checkPut(ETAG, null, ETAG, "k")).doesNotThrowAnyException();
        assertThatThrownBy(() -> Preconditions.checkPut("\"other\"", null, ETAG, "k"))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.status()).isEqualTo(412));
        assertThatThrownBy(() -> Preconditions.checkPut(ETAG, null, null, "k"))
                .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.code()).isEqualTo("NoSuchKey"));
        assertThatCode(() -> Preconditions.checkPut(null, null, ETAG, "k")).doesNotThrowAnyException();
    }
}
