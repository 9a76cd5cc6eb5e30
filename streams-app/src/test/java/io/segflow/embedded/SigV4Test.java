package io.segflow.embedded;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Signature Version 4 checked against the examples of AWS's S3 documentation, and the ways a request is refused. */
class SigV4Test {
    static final String ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE";
    static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static final Instant EXAMPLE_TIME = Instant.parse("2013-05-24T00:00:00Z");
    private static final String GET_SIGNATURE = "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41";

    private final SigV4 signatures = new SigV4(ACCESS_KEY, SECRET_KEY, Clock.fixed(EXAMPLE_TIME.plusSeconds(60), ZoneOffset.UTC));

    /** AWS's example: GET /test.txt from examplebucket with a Range header. */
    private static Map<String, List<String>> exampleHeaders(String signature) {
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("host", List.of("examplebucket.s3.amazonaws.com"));
        headers.put("range", List.of("bytes=0-9"));
        headers.put("x-amz-content-sha256", List.of(SigV4.EMPTY_SHA256));
        headers.put("x-amz-date", List.of("20130524T000000Z"));
        headers.put("authorization", List.of("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=" + signature));
        return headers;
    }

    private static SigV4.Request request(String method, String path, String query, Map<String, List<String>> headers) {
        return SigV4.Request.of(method, path, query, headers::get);
    }

    @Test
    void theDocumentedGetObjectExampleVerifies() {
        SigV4.Verified verified = signatures.verify(request("GET", "/test.txt", null, exampleHeaders(GET_SIGNATURE)));

        assertThat(verified.scope()).isEqualTo("20130524/us-east-1/s3/aws4_request");
        assertThat(verified.payloadHash()).isEqualTo(SigV4.EMPTY_SHA256);
    }

    @Test
    void aChangedSignedHeaderPathOrSecretFailsTheSignature() {
        Map<String, List<String>> headers = exampleHeaders(GET_SIGNATURE);
        headers.put("range", List.of("bytes=0-10"));
        assertRefused(() -> signatures.verify(request("GET", "/test.txt", null, headers)), "SignatureDoesNotMatch");
        assertRefused(() -> signatures.verify(request("GET", "/test2.txt", null, exampleHeaders(GET_SIGNATURE))), "SignatureDoesNotMatch");
        assertRefused(() -> signatures.verify(request("GET", "/test.txt", "acl", exampleHeaders(GET_SIGNATURE))), "SignatureDoesNotMatch");
        SigV4 otherSecret = new SigV4(ACCESS_KEY, "another-secret", Clock.fixed(EXAMPLE_TIME, ZoneOffset.UTC));
        assertRefused(() -> otherSecret.verify(request("GET", "/test.txt", null, exampleHeaders(GET_SIGNATURE))), "SignatureDoesNotMatch");
    }

    @Test
    void anUnknownKeyAnOldRequestAndAnUnsignedOneAreRefused() {
        SigV4 otherKey = new SigV4("OTHER", SECRET_KEY, Clock.fixed(EXAMPLE_TIME, ZoneOffset.UTC));
        assertRefused(() -> otherKey.verify(request("GET", "/test.txt", null, exampleHeaders(GET_SIGNATURE))), "InvalidAccessKeyId");
        SigV4 anHourLater = new SigV4(ACCESS_KEY, SECRET_KEY, Clock.fixed(EXAMPLE_TIME.plusSeconds(3600), ZoneOffset.UTC));
        assertRefused(() -> anHourLater.verify(request("GET", "/test.txt", null, exampleHeaders(GET_SIGNATURE))), "RequestTimeTooSkewed");
        Map<String, List<String>> unsigned = exampleHeaders(GET_SIGNATURE);
        unsigned.remove("authorization");
        assertRefused(() -> signatures.verify(request("GET", "/test.txt", null, unsigned)), "AccessDenied");
    }

    @Test
    void theDocumentedPresignedUrlVerifiesUntilItExpires() {
        String query = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host"
                + "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404";
        Map<String, List<String>> headers = Map.of("host", List.of("examplebucket.s3.amazonaws.com"));

        assertThat(signatures.verify(request("GET", "/test.txt", query, headers)).payloadHash()).isEqualTo(SigV4.UNSIGNED_PAYLOAD);
        SigV4 twoDaysLater = new SigV4(ACCESS_KEY, SECRET_KEY, Clock.fixed(EXAMPLE_TIME.plusSeconds(2 * 86400), ZoneOffset.UTC));
        assertRefused(() -> twoDaysLater.verify(request("GET", "/test.txt", query, headers)), "AccessDenied");
    }

    @Test
    void pathsAndQueriesAreCanonicalWhateverTheClientEscaped() {
        assertThat(SigV4.encode(SigV4.decode("/b/a%20b/c+d~e%2Ff"), false)).isEqualTo("/b/a%20b/c%2Bd~e/f");
        assertThat(SigV4.encode("a/b c", true)).isEqualTo("a%2Fb%20c");
        assertThat(SigV4.decode("%E2%82%AC")).isEqualTo("\u20ac");
        assertThat(SigV4.decodedQuery("prefix=a%2Fb&list-type=2&delete")).containsExactly(
                Map.entry("delete", ""), Map.entry("list-type", "2"), Map.entry("prefix", "a/b"));
        assertRefused(() -> SigV4.decode("a%2"), "InvalidURI");
    }

    static void assertRefused(Runnable call, String code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
