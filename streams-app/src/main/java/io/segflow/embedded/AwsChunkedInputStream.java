package io.segflow.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The payload of an {@code aws-chunked} request body, as MinIO's Go client and the AWS SDKs stream uploads: each
 * chunk is {@code hex-size[;chunk-signature=SIG]\r\n DATA \r\n}, the last of size 0, then optional trailers and an
 * empty line. With {@code STREAMING-AWS4-HMAC-SHA256-PAYLOAD} every chunk's signature chains from the request's
 * and is checked before its bytes are handed on; trailers (a checksum the client adds) are read past.
 */
final class AwsChunkedInputStream extends InputStream {
    /** The largest chunk held to check its signature; clients send 64 KB to 1 MB. */
    private static final int MAX_CHUNK = 16 * 1024 * 1024;
    private static final int MAX_LINE = 4096;

    private final InputStream in;
    private final SigV4.Verified signed;
    private String previousSignature;
    private byte[] chunk = new byte[0];
    private int position;
    private boolean done;

    /** @param signed the request's verification when chunks are signed, null when they are not */
    AwsChunkedInputStream(InputStream in, SigV4.Verified signed) {
        this.in = in;
        this.signed = signed;
        this.previousSignature = signed == null ? null : signed.seedSignature();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        while (position == chunk.length) {
            if (done) {
                return -1;
            }
            nextChunk();
        }
        int n = Math.min(length, chunk.length - position);
        System.arraycopy(chunk, position, buffer, offset, n);
        position += n;
        return n;
    }

    private void nextChunk() throws IOException {
        String header = line();
        int semicolon = header.indexOf(';');
        String sizeText = semicolon < 0 ? header : header.substring(0, semicolon);
        int size;
        try {
            size = Integer.parseInt(sizeText.trim(), 16);
        } catch (NumberFormatException e) {
            throw malformed("a chunk's size is not hexadecimal: " + sizeText);
        }
        if (size < 0 || size > MAX_CHUNK) {
            throw malformed("a chunk of " + size + " bytes is larger than " + MAX_CHUNK);
        }
        byte[] data = in.readNBytes(size);
        if (data.length != size) {
            throw malformed("the body ended inside a chunk");
        }
        if (signed != null) {
            String prefix = "chunk-signature=";
            int at = header.indexOf(prefix);
            if (at < 0) {
                throw malformed("a chunk has no chunk-signature");
            }
            String signature = header.substring(at + prefix.length()).trim();
            MessageDigest sha256 = SigV4.sha256();
            String expected = SigV4.hex(SigV4.hmac(signed.signingKey(),
                    SigV4.chunkStringToSign(signed, previousSignature, sha256.digest(data))));
            if (!expected.equals(signature)) {
                throw new S3Exception(403, "SignatureDoesNotMatch", "a chunk's signature does not match its bytes");
            }
            previousSignature = signature;
        }
        if (size == 0) {
            // trailers, if any, then the empty line that ends the body
            while (!line().isEmpty()) {
                continue;
            }
            done = true;
        } else if (!line().isEmpty()) {
            throw malformed("a chunk's data is not followed by CRLF");
        }
        chunk = data;
        position = 0;
    }

    private String line() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(128);
        for (int b = in.read(); ; b = in.read()) {
            if (b < 0) {
                if (bytes.size() == 0) {
                    return "";
                }
                throw malformed("the body ended inside a chunk header");
            }
            if (b == '\n') {
                String line = bytes.toString(StandardCharsets.US_ASCII);
                return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
            }
            if (bytes.size() == MAX_LINE) {
                throw malformed("a chunk header is longer than " + MAX_LINE + " bytes");
            }
            bytes.write(b);
        }
    }

    private static S3Exception malformed(String message) {
        return new S3Exception(400, "IncompleteBody", "aws-chunked body: " + message);
    }
}
