package io.segflow.embedded;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * AWS Signature Version 4 as S3 checks it: from the {@code Authorization} header or from a presigned URL's query,
 * over the request's method, path, query and signed headers. Pure: the request comes in as strings, the time from
 * the injected clock.
 */
final class SigV4 {
    static final String ALGORITHM = "AWS4-HMAC-SHA256";
    static final String UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD";
    static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT);
    /** How far a request's time may be from the server's, as S3 allows. */
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final Duration MAX_PRESIGNED_EXPIRY = Duration.ofDays(7);
    private static final int MAX_SIGNING_KEYS = 64;
    private static final Pattern SPACES = Pattern.compile(" {2,}");

    /** What a request is signed over: {@code headers} by lower-case name, the query's parameters decoded. */
    record Request(String method, String rawPath, Map<String, String> query, Function<String, List<String>> headers) {
        /** @param rawQuery the query as sent, or null */
        static Request of(String method, String rawPath, String rawQuery, Function<String, List<String>> headers) {
            return new Request(method, rawPath, decodedQuery(rawQuery), headers);
        }

        String header(String name) {
            List<String> values = headers.apply(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** A verified request: its signing key and scope, which aws-chunked payloads sign their chunks with. */
    record Verified(byte[] signingKey, String amzDate, String scope, String seedSignature, String payloadHash) {
    }

    private final String accessKey;
    private final String secretKey;
    private final Clock clock;
    /** Signing keys by date, region and service: one a day per region, where deriving one takes four HMACs. */
    private final Map<String, byte[]> signingKeys = new ConcurrentHashMap<>();

    SigV4(String accessKey, String secretKey, Clock clock) {
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.clock = clock;
    }

    /** Checks the request's signature; an {@link S3Exception} says why it is refused. */
    Verified verify(Request request) {
        String authorization = request.header("authorization");
        Map<String, String> query = request.query();
        if (authorization != null) {
            return verifyHeader(request, authorization, query);
        }
        if (query.containsKey("X-Amz-Signature")) {
            return verifyPresigned(request, query);
        }
        throw S3Exception.accessDenied("anonymous requests are not accepted: sign with AWS Signature Version 4");
    }

    private Verified verifyHeader(Request request, String authorization, Map<String, String> query) {
        if (!authorization.startsWith(ALGORITHM + " ")) {
            throw new S3Exception(400, "AuthorizationHeaderMalformed", "only " + ALGORITHM + " signatures are accepted");
        }
        Map<String, String> parts = new TreeMap<>();
        for (String part : authorization.substring(ALGORITHM.length() + 1).split(",")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
            }
        }
        String credential = parts.get("Credential");
        String signedHeaders = parts.get("SignedHeaders");
        String signature = parts.get("Signature");
        if (credential == null || signedHeaders == null || signature == null) {
            throw new S3Exception(400, "AuthorizationHeaderMalformed", "the Authorization header lacks Credential, SignedHeaders or Signature");
        }
        String amzDate = request.header("x-amz-date");
        if (amzDate == null) {
            throw S3Exception.accessDenied("the request has no x-amz-date header");
        }
        Instant time = parseDate(amzDate);
        if (Duration.between(time, clock.instant()).abs().compareTo(MAX_SKEW) > 0) {
            throw new S3Exception(403, "RequestTimeTooSkewed", "the difference between the request time and the server's time is too large");
        }
        String payloadHash = request.header("x-amz-content-sha256");
        if (payloadHash == null) {
            throw new S3Exception(400, "InvalidRequest", "the request has no x-amz-content-sha256 header");
        }
        return check(request, query, credential, signedHeaders, signature, amzDate, payloadHash);
    }

    private Verified verifyPresigned(Request request, Map<String, String> query) {
        if (!ALGORITHM.equals(query.get("X-Amz-Algorithm"))) {
            throw new S3Exception(400, "AuthorizationQueryParametersError", "X-Amz-Algorithm must be " + ALGORITHM);
        }
        String amzDate = query.get("X-Amz-Date");
        String expires = query.get("X-Amz-Expires");
        if (amzDate == null || expires == null || query.get("X-Amz-Credential") == null || query.get("X-Amz-SignedHeaders") == null) {
            throw new S3Exception(400, "AuthorizationQueryParametersError", "a presigned URL needs X-Amz-Credential, -Date, -Expires and -SignedHeaders");
        }
        Duration expiry;
        try {
            expiry = Duration.ofSeconds(Long.parseLong(expires));
        } catch (NumberFormatException e) {
            throw new S3Exception(400, "AuthorizationQueryParametersError", "X-Amz-Expires is not a number of seconds");
        }
        if (expiry.isNegative() || expiry.compareTo(MAX_PRESIGNED_EXPIRY) > 0) {
            throw new S3Exception(400, "AuthorizationQueryParametersError", "X-Amz-Expires must be between 0 and 604800 seconds");
        }
        Instant time = parseDate(amzDate);
        if (clock.instant().isAfter(time.plus(expiry))) {
            throw S3Exception.accessDenied("the presigned URL has expired");
        }
        if (time.isAfter(clock.instant().plus(MAX_SKEW))) {
            throw S3Exception.accessDenied("the presigned URL is not valid yet");
        }
        Map<String, String> signedQuery = new TreeMap<>(query);
        String signature = signedQuery.remove("X-Amz-Signature");
        String payloadHash = query.getOrDefault("X-Amz-Content-Sha256", UNSIGNED_PAYLOAD);
        return check(request, signedQuery, query.get("X-Amz-Credential"), query.get("X-Amz-SignedHeaders"), signature, amzDate,
                payloadHash);
    }

    private Verified check(Request request, Map<String, String> query, String credential, String signedHeaders, String signature,
                           String amzDate, String payloadHash) {
        String[] scopeParts = credential.split("/");
        if (scopeParts.length != 5 || !"aws4_request".equals(scopeParts[4])) {
            throw new S3Exception(400, "AuthorizationHeaderMalformed", "the credential must be KEY/DATE/REGION/SERVICE/aws4_request");
        }
        if (!accessKey.equals(scopeParts[0])) {
            throw new S3Exception(403, "InvalidAccessKeyId", "the access key id you provided does not exist in our records");
        }
        if (!amzDate.startsWith(scopeParts[1])) {
            throw new S3Exception(403, "SignatureDoesNotMatch", "the credential's date is not the request's");
        }
        String scope = String.join("/", scopeParts[1], scopeParts[2], scopeParts[3], scopeParts[4]);
        String canonical = canonicalRequest(request, query, signedHeaders, payloadHash);
        String stringToSign = ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
        byte[] key = signingKey(scopeParts[1], scopeParts[2], scopeParts[3]);
        String expected = hex(hmac(key, stringToSign));
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII), signature.getBytes(StandardCharsets.US_ASCII))) {
            throw new S3Exception(403, "SignatureDoesNotMatch",
                    "the request signature we calculated does not match the signature you provided; check your key and signing method");
        }
        return new Verified(key, amzDate, scope, signature, payloadHash);
    }

    private static String canonicalRequest(Request request, Map<String, String> query, String signedHeaders, String payloadHash) {
        StringBuilder canonical = new StringBuilder(512);
        canonical.append(request.method()).append('\n');
        canonical.append(encode(decode(request.rawPath()), false)).append('\n');
        List<String> pairs = new ArrayList<>(query.size());
        query.forEach((name, value) -> pairs.add(encode(name, true) + "=" + encode(value, true)));
        pairs.sort(null);
        canonical.append(String.join("&", pairs)).append('\n');
        for (String name : signedHeaders.split(";")) {
            List<String> values = request.headers().apply(name);
            List<String> trimmed = new ArrayList<>();
            if (values != null) {
                for (String value : values) {
                    trimmed.add(SPACES.matcher(value.trim()).replaceAll(" "));
                }
            }
            canonical.append(name).append(':').append(String.join(",", trimmed)).append('\n');
        }
        canonical.append('\n').append(signedHeaders).append('\n').append(payloadHash);
        return canonical.toString();
    }

    /** The string an aws-chunked payload's chunk is signed over. */
    static String chunkStringToSign(Verified verified, String previousSignature, byte[] chunkSha256) {
        return ALGORITHM + "-PAYLOAD\n" + verified.amzDate() + "\n" + verified.scope() + "\n" + previousSignature + "\n" + EMPTY_SHA256
                + "\n" + hex(chunkSha256);
    }

    private byte[] signingKey(String date, String region, String service) {
        if (signingKeys.size() > MAX_SIGNING_KEYS) {
            signingKeys.clear();
        }
        return signingKeys.computeIfAbsent(date + "/" + region + "/" + service, scope -> deriveKey(date, region, service));
    }

    private byte[] deriveKey(String date, String region, String service) {
        byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
        key = hmac(key, region);
        key = hmac(key, service);
        return hmac(key, "aws4_request");
    }

    private static Instant parseDate(String amzDate) {
        try {
            return LocalDateTime.parse(amzDate, AMZ_DATE).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw S3Exception.accessDenied("the request's date " + amzDate + " is not in the form yyyyMMdd'T'HHmmss'Z'");
        }
    }

    /** The query's parameters, decoded; a name without a value maps to the empty string. */
    static Map<String, String> decodedQuery(String rawQuery) {
        Map<String, String> query = new TreeMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            query.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
        }
        return query;
    }

    /** Percent-decoding as RFC 3986 has it: a '+' stays a '+'. */
    static String decode(String raw) {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length() || Character.digit(raw.charAt(i + 1), 16) < 0 || Character.digit(raw.charAt(i + 2), 16) < 0) {
                    throw new S3Exception(400, "InvalidURI", "a '%' in the request's URI is not followed by two hex digits");
                }
                bytes.write(HexFormat.fromHexDigits(raw, i + 1, i + 3));
                i += 2;
            } else {
                int codePoint = raw.codePointAt(i);
                bytes.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(codePoint) - 1;
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** AWS's URI encoding: unreserved characters as they are, every other byte as %XX; '/' kept in paths. */
    static String encode(String value, boolean slash) {
        StringBuilder out = new StringBuilder(value.length() + 16);
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~'
                    || (c == '/' && !slash)) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((c >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }

    static byte[] sha256(byte[] data) {
        return sha256().digest(data);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
