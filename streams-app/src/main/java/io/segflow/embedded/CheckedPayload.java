package io.segflow.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.function.Function;

/**
 * A request's payload as it arrives, checked against what the request signed: the SHA-256 of a signed payload,
 * each chunk's signature of a streamed ({@code aws-chunked}) one, and a {@code Content-MD5} where one is sent.
 * {@link #finish} throws if what arrived is not what was signed.
 */
final class CheckedPayload implements ObjectFiles.Payload {
    private final InputStream body;
    private final MessageDigest sha256;
    private final byte[] expectedSha256;
    private final MessageDigest md5;
    private final byte[] expectedMd5;
    private final long expectedLength;
    private long length;

    private CheckedPayload(InputStream body, MessageDigest sha256, byte[] expectedSha256, MessageDigest md5, byte[] expectedMd5,
                           long expectedLength) {
        this.body = body;
        this.sha256 = sha256;
        this.expectedSha256 = expectedSha256;
        this.md5 = md5;
        this.expectedMd5 = expectedMd5;
        this.expectedLength = expectedLength;
    }

    /** The payload of a request verified as {@code verified}, reading {@code body}; {@code header} names its headers. */
    static CheckedPayload of(InputStream body, SigV4.Verified verified, Function<String, String> header) {
        String payloadHash = verified.payloadHash();
        MessageDigest sha256 = null;
        byte[] expectedSha256 = null;
        long expectedLength = -1;
        if (payloadHash.startsWith("STREAMING-")) {
            boolean signed = payloadHash.startsWith("STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
            if (!signed && !payloadHash.equals("STREAMING-UNSIGNED-PAYLOAD-TRAILER")) {
                throw S3Exception.notImplemented("the payload signing " + payloadHash);
            }
            body = new AwsChunkedInputStream(body, signed ? verified : null);
            String decoded = header.apply("x-amz-decoded-content-length");
            expectedLength = decoded == null ? -1 : Long.parseLong(decoded.trim());
        } else if (!payloadHash.equals(SigV4.UNSIGNED_PAYLOAD)) {
            if (payloadHash.length() != 64) {
                throw new S3Exception(400, "InvalidArgument", "x-amz-content-sha256 must be the payload's hex SHA-256 or UNSIGNED-PAYLOAD");
            }
            sha256 = SigV4.sha256();
            expectedSha256 = HexFormat.of().parseHex(payloadHash);
        }
        MessageDigest md5 = null;
        byte[] expectedMd5 = null;
        String contentMd5 = header.apply("Content-MD5");
        if (contentMd5 != null) {
            try {
                expectedMd5 = Base64.getDecoder().decode(contentMd5.trim());
                md5 = MessageDigest.getInstance("MD5");
            } catch (IllegalArgumentException | NoSuchAlgorithmException e) {
                throw new S3Exception(400, "InvalidDigest", "Content-MD5 is not a base64 MD5");
            }
        }
        return new CheckedPayload(body, sha256, expectedSha256, md5, expectedMd5, expectedLength);
    }

    @Override
    public int read(byte[] buffer) throws IOException {
        int n = body.readNBytes(buffer, 0, buffer.length);
        if (n == 0) {
            return -1;
        }
        if (sha256 != null) {
            sha256.update(buffer, 0, n);
        }
        if (md5 != null) {
            md5.update(buffer, 0, n);
        }
        length += n;
        return n;
    }

    @Override
    public void finish() {
        if (sha256 != null && !MessageDigest.isEqual(sha256.digest(), expectedSha256)) {
            throw new S3Exception(400, "XAmzContentSHA256Mismatch", "the payload's SHA-256 is not the x-amz-content-sha256 it was signed with");
        }
        if (md5 != null && !MessageDigest.isEqual(md5.digest(), expectedMd5)) {
            throw new S3Exception(400, "BadDigest", "the Content-MD5 you specified did not match what we received");
        }
        if (expectedLength >= 0 && length != expectedLength) {
            throw new S3Exception(400, "IncompleteBody", "the payload has " + length + " bytes, not the " + expectedLength
                    + " of x-amz-decoded-content-length");
        }
    }
}
