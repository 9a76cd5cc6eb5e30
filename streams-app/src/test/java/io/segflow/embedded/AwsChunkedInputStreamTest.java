package io.segflow.embedded;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The aws-chunked payload of AWS's documented streaming PUT: 66,560 bytes of 'a' in chunks of 64 KB, 1 KB and 0. */
class AwsChunkedInputStreamTest {
    private static final String SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
    private static final List<String> CHUNK_SIGNATURES = List.of("ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
            "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9");

    private static SigV4.Verified examplePut() {
        SigV4 signatures = new SigV4(SigV4Test.ACCESS_KEY, SigV4Test.SECRET_KEY, Clock.fixed(SigV4Test.EXAMPLE_TIME, ZoneOffset.UTC));
        Map<String, List<String>> headers = new HashMap<>();
        headers.put("host", List.of("s3.amazonaws.com"));
        headers.put("x-amz-date", List.of("20130524T000000Z"));
        headers.put("x-amz-storage-class", List.of("REDUCED_REDUNDANCY"));
        headers.put("x-amz-content-sha256", List.of("STREAMING-AWS4-HMAC-SHA256-PAYLOAD"));
        headers.put("content-encoding", List.of("aws-chunked"));
        headers.put("x-amz-decoded-content-length", List.of("66560"));
        headers.put("content-length", List.of("66824"));
        headers.put("authorization", List.of("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"
                + "SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;"
                + "x-amz-storage-class,Signature=" + SEED));
        return signatures.verify(SigV4.Request.of("PUT", "/examplebucket/chunkObject.txt", null, headers::get));
    }

    private static byte[] body(List<String> signatures, int... sizes) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (int i = 0; i < sizes.length; i++) {
            body.writeBytes((Integer.toHexString(sizes[i]) + ";chunk-signature=" + signatures.get(i) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] data = new byte[sizes[i]];
            Arrays.fill(data, (byte) 'a');
            body.writeBytes(data);
            body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return body.toByteArray();
    }

    @Test
    void theDocumentedStreamingPutDecodesToItsPayload() throws IOException {
        byte[] body = body(CHUNK_SIGNATURES, 65536, 1024, 0);

        byte[] payload = new AwsChunkedInputStream(new ByteArrayInputStream(body), examplePut()).readAllBytes();

        assertThat(payload).hasSize(66560).containsOnly('a');
    }

    @Test
    void aChunkWhoseBytesWereChangedIsRefusedBeforeItIsHandedOn() {
        byte[] body = body(CHUNK_SIGNATURES, 65536, 1024, 0);
        body[200] = 'b';

        AwsChunkedInputStream in = new AwsChunkedInputStream(new ByteArrayInputStream(body), examplePut());

        SigV4Test.assertRefused(() -> {
            try {
                in.readAllBytes();
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }, "SignatureDoesNotMatch");
    }

    @Test
    void unsignedChunksWithATrailerDecodeAndACutBodyIsRefused() throws IOException {
        String body = "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
        assertThat(new AwsChunkedInputStream(new ByteArrayInputStream(body.getBytes(StandardCharsets.US_ASCII)), null).readAllBytes())
                .asString(StandardCharsets.US_ASCII).isEqualTo("hello world");

        AwsChunkedInputStream cut = new AwsChunkedInputStream(new ByteArrayInputStream("a\r\nhello".getBytes(StandardCharsets.US_ASCII)), null);
        assertThatThrownBy(cut::readAllBytes).isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.code()).isEqualTo("IncompleteBody"));
    }
}
