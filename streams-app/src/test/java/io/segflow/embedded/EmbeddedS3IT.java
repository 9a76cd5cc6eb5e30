package io.segflow.embedded;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.minio.BucketExistsArgs;
import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.RemoveObjectsArgs;
import io.minio.Signer;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.minio.http.Method;
import io.minio.messages.DeleteError;
import io.minio.messages.DeleteObject;
import io.segflow.testing.Tool;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.messages.Item;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The embedded S3 server through real clients: MinIO's Java client (objects, ranges, paged listings, multipart, copies,
 * multi-deletes, presigned URLs), requests signed by hand to send what a client would not, and Debian's aws cli.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedS3IT {
    private static final String BUCKET = "listing";
    private static final String ACCESS_KEY = "access";
    private static final String SECRET_KEY = "secret-key";
    private static final int PAGE = 10;

    @TempDir
    static Path dir;
    static EmbeddedS3 s3;
    static MinioClient client;

    @BeforeAll
    static void start() throws Exception {
        s3 = EmbeddedS3.start(dir, "127.0.0.1", FreePorts.next(), ACCESS_KEY, SECRET_KEY);
        client = MinioClient.builder().endpoint(s3.endpoint()).credentials(ACCESS_KEY, SECRET_KEY).build();
        if (!client.bucketExists(BucketExistsArgs.builder().bucket(BUCKET).build())) {
            client.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
        }
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        s3.close();
    }

    @Test
    void aListingOfManyPagesNamesEveryObjectUnderThePrefixOnceInKeyOrder() throws Exception {
        String prefix = folder();
        List<String> keys = IntStream.range(0, 4 * PAGE + 3).mapToObj(i -> prefix + "s" + (i % 7) + "/f" + i).sorted().toList();
        for (String key : keys) {
            put(key);
        }
        put(prefix.substring(0, prefix.length() - 1) + "-sibling/f");

        assertThat(names(list(prefix, true))).containsExactlyElementsOf(keys);
    }

    @Test
    void aListingWithADelimiterPagesThroughItsCommonPrefixes() throws Exception {
        String prefix = folder();
        for (int i = 0; i < 2 * PAGE + 5; i++) {
            put(prefix + String.format("s%03d", i) + "/f");
        }
        put(prefix + "top");

        List<String> expected = new ArrayList<>(IntStream.range(0, 2 * PAGE + 5).mapToObj(i -> prefix + String.format("s%03d", i) + "/").toList());
        expected.add(prefix + "top");
        // each page lists its objects, then its common prefixes
        assertThat(names(list(prefix, false))).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void anObjectDeletedWhileItsListingPagesIsNotListedOnALaterPage() throws Exception {
        String prefix = folder();
        List<String> keys = IntStream.range(0, 3 * PAGE).mapToObj(i -> prefix + String.format("f%03d", i)).toList();
        for (String key : keys) {
            put(key);
        }
        String deleted = keys.get(2 * PAGE + 1);

        Iterator<Result<Item>> listing = list(prefix, true).iterator();
        List<String> listed = new ArrayList<>();
        for (int i = 0; i < PAGE; i++) {
            listed.add(listing.next().get().objectName());
        }
        client.removeObject(RemoveObjectArgs.builder().bucket(BUCKET).object(deleted).build());
        while (listing.hasNext()) {
            listed.add(listing.next().get().objectName());
        }

        assertThat(listed).containsExactlyElementsOf(keys.stream().filter(key -> !key.equals(deleted)).toList());
    }

    @Test
    void anObjectIsReadWholeInRangesAndByItsSizeUntilItIsDeleted() throws Exception {
        String key = folder() + "a key with spaces, + and \u00e9";
        byte[] bytes = randomBytes(1_000_003);
        client.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key).stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());

        assertThat(get(GetObjectArgs.builder().bucket(BUCKET).object(key).build())).isEqualTo(bytes);
        assertThat(get(GetObjectArgs.builder().bucket(BUCKET).object(key).offset(999_000L).length(10L).build()))
                .isEqualTo(Arrays.copyOfRange(bytes, 999_000, 999_010));
        assertThat(get(GetObjectArgs.builder().bucket(BUCKET).object(key).offset(1_000_000L).build()))
                .isEqualTo(Arrays.copyOfRange(bytes, 1_000_000, bytes.length));
        StatObjectResponse stat = client.statObject(StatObjectArgs.builder().bucket(BUCKET).object(key).build());
        assertThat(stat.size()).isEqualTo(bytes.length);
        assertThat(names(list(key.substring(0, key.indexOf('/') + 1), true))).containsExactly(key);

        client.removeObject(RemoveObjectArgs.builder().bucket(BUCKET).object(key).build());
        assertThatThrownBy(() -> client.statObject(StatObjectArgs.builder().bucket(BUCKET).object(key).build()))
                .isInstanceOfSatisfying(ErrorResponseException.class, e -> assertThat(e.errorResponse().code()).isEqualTo("NoSuchKey"));
        assertThatThrownBy(() -> get(GetObjectArgs.builder().bucket(BUCKET).object(key).build()))
                .isInstanceOfSatisfying(ErrorResponseException.class, e -> assertThat(e.errorResponse().code()).isEqualTo("NoSuchKey"));
    }

    @Test
    void aReaderThatStopsEarlyIsNoErrorAndTheServerServesOn() throws Exception {
        String key = folder() + "large";
        byte[] bytes = randomBytes(32 << 20);
        client.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key).stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
        Logger handlerLog = (Logger) LoggerFactory.getLogger(S3Handler.class);
        Level level = handlerLog.getLevel();
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        handlerLog.addAppender(events);
        handlerLog.setLevel(Level.DEBUG);
        try {
            // More than the sockets' buffers hold: the server is still sending when the reader goes.
            // A socket of our own, since OkHttp would read on for a while to keep the connection.
            URI url = URI.create(client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.GET).bucket(BUCKET)
                    .object(key).expiry(60).build()));
            try (Socket socket = new Socket(url.getHost(), url.getPort())) {
                socket.getOutputStream().write(("GET " + url.getRawPath() + "?" + url.getRawQuery() + " HTTP/1.1\r\nHost: "
                        + url.getHost() + ":" + url.getPort() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                assertThat(new String(in.readNBytes(12), StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 200");
                in.readNBytes(1_000);
                socket.setSoLinger(true, 0);
            }
            // The server's handler ends with a debug line, or a warning or error (the defect).
            List<ILoggingEvent> logged = List.of();
            while (logged.stream().noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN)
                    || e.getFormattedMessage().contains("the client closed the connection"))) {
                Thread.sleep(10);
                synchronized (events) {
                    logged = List.copyOf(events.list);
                }
            }
            assertThat(logged).noneMatch(e -> e.getLevel().isGreaterOrEqual(Level.WARN));
        } finally {
            handlerLog.detachAppender(events);
            handlerLog.setLevel(level);
        }
        assertThat(get(GetObjectArgs.builder().bucket(BUCKET).object(key).offset(1L << 20).length(10L).build()))
                .isEqualTo(Arrays.copyOfRange(bytes, 1 << 20, (1 << 20) + 10));
        client.removeObject(RemoveObjectArgs.builder().bucket(BUCKET).object(key).build());
    }

    @Test
    void aStreamOfUnknownSizeUploadsInPartsAndCopiesAndMultiDeletesWork() throws Exception {
        String key = folder() + "parts";
        byte[] bytes = randomBytes(12 * 1024 * 1024 + 17);
        client.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key).stream(new ByteArrayInputStream(bytes), -1, 5 * 1024 * 1024).build());
        assertThat(get(GetObjectArgs.builder().bucket(BUCKET).object(key).build())).isEqualTo(bytes);
        try (Stream<Path> uploads = Files.list(dir.resolve(".segflow/multipart"))) {
            assertThat(uploads).as("completed uploads leave no parts behind").isEmpty();
        }

        String copy = key + "-copy";
        client.copyObject(CopyObjectArgs.builder().bucket(BUCKET).object(copy).source(CopySource.builder().bucket(BUCKET).object(key).build()).build());
        assertThat(get(GetObjectArgs.builder().bucket(BUCKET).object(copy).build())).isEqualTo(bytes);

        List<DeleteObject> deletes = List.of(new DeleteObject(key), new DeleteObject(copy), new DeleteObject(key + "-never-written"));
        for (Result<DeleteError> error : client.removeObjects(RemoveObjectsArgs.builder().bucket(BUCKET).objects(deletes).build())) {
            throw new AssertionError("multi-delete failed: " + error.get().message());
        }
        assertThat(names(list(key.substring(0, key.indexOf('/') + 1), true))).isEmpty();
    }

    @Test
    void aPresignedUrlReadsTheObjectAndATamperedOneIsRefused() throws Exception {
        String key = folder() + "shared";
        put(key);
        String url = client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder().method(Method.GET).bucket(BUCKET).object(key).expiry(60).build());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

        HttpResponse<String> good = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> tampered = http.send(HttpRequest.newBuilder(URI.create(url.replace("shared", "sharee"))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(good.body()).isEqualTo(key);
        assertThat(tampered.statusCode()).isEqualTo(403);
        assertThat(tampered.body()).contains("<Code>SignatureDoesNotMatch</Code>");
    }

    @Test
    void aClientWithAnotherSecretIsRefused() throws Exception {
        MinioClient wrong = MinioClient.builder().endpoint(s3.endpoint()).credentials(ACCESS_KEY, "not-the-secret").region("us-east-1").build();
        try (wrong) {
            assertThatThrownBy(() -> wrong.bucketExists(BucketExistsArgs.builder().bucket(BUCKET).build()))
                    .isInstanceOf(ErrorResponseException.class);
            assertThatThrownBy(() -> wrong.listObjects(ListObjectsArgs.builder().bucket(BUCKET).build()).iterator().next().get())
                    .isInstanceOfSatisfying(ErrorResponseException.class,
                            e -> assertThat(e.errorResponse().code()).isEqualTo("SignatureDoesNotMatch"));
        }
    }

    @Test
    void aPayloadThatIsNotTheOneItsSignatureHashedIsRefusedAndNotStored() throws Exception {
        String key = folder() + "tampered";
        byte[] signed = "what was signed".getBytes(StandardCharsets.UTF_8);
        byte[] sent = "what was sent!!".getBytes(StandardCharsets.UTF_8);

        try (Response response = send(key, sent, SigV4.hex(SigV4.sha256(signed)), Map.of())) {
            assertThat(response.code()).isEqualTo(400);
            assertThat(response.body().string()).contains("<Code>XAmzContentSHA256Mismatch</Code>");
        }
        assertThatThrownBy(() -> client.statObject(StatObjectArgs.builder().bucket(BUCKET).object(key).build()))
                .isInstanceOf(ErrorResponseException.class);
    }

    @Test
    void anAwsChunkedUploadWithATrailingChecksumIsStoredDecoded() throws Exception {
        String key = folder() + "chunked";
        byte[] body = "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        try (Response response = send(key, body, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", Map.of("Content-Encoding", "aws-chunked",
                "x-amz-decoded-content-length", "11", "x-amz-trailer", "x-amz-checksum-crc32"))) {
            assertThat(response.code()).isEqualTo(200);
        }
        assertThat(get(GetObjectArgs.builder().bucket(BUCKET).object(key).build())).asString(StandardCharsets.US_ASCII).isEqualTo("hello world");
    }

    /** A PUT signed by MinIO's signer over {@code payloadHash}, whatever {@code body} is. */
    private static Response send(String key, byte[] body, String payloadHash, Map<String, String> headers) throws Exception {
        HttpUrl url = HttpUrl.get(s3.endpoint()).newBuilder().addPathSegment(BUCKET).addPathSegments(key).build();
        Request.Builder request = new Request.Builder().url(url).put(RequestBody.create(body))
                .header("Host", url.host() + ":" + url.port())
                .header("x-amz-date", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")))
                .header("x-amz-content-sha256", payloadHash);
        headers.forEach(request::header);
        Request signedRequest = Signer.signV4S3(request.build(), "us-east-1", ACCESS_KEY, SECRET_KEY, payloadHash);
        return new OkHttpClient().newCall(signedRequest).execute();
    }

    @Test
    void theAwsCliMakesABucketUploadsInPartsListsDownloadsAndRemoves() throws Exception {
        Tool aws = new Tool("/usr/bin/aws", "awscli", Map.of("AWS_ACCESS_KEY_ID", ACCESS_KEY, "AWS_SECRET_ACCESS_KEY", SECRET_KEY,
                "AWS_DEFAULT_REGION", "us-east-1", "AWS_PAGER", "", "AWS_CONFIG_FILE", "/dev/null")).assumeInstalled();
        Path upload = dir.resolveSibling(dir.getFileName() + "-aws");
        Files.createDirectories(upload);
        byte[] bytes = randomBytes(20 * 1024 * 1024 + 5);
        Files.write(upload.resolve("big.bin"), bytes);
        Files.writeString(upload.resolve("small.txt"), "small");
        String endpoint = s3.endpoint();

        assertSucceeded(aws.run("--endpoint-url", endpoint, "s3", "mb", "s3://aws-cli"));
        assertSucceeded(aws.run("--endpoint-url", endpoint, "s3", "cp", "--recursive", upload.toString(), "s3://aws-cli/dir/"));
        Tool.Run listing = aws.run("--endpoint-url", endpoint, "s3", "ls", "--recursive", "s3://aws-cli");
        assertSucceeded(listing);
        assertThat(listing.output()).contains("20971525 dir/big.bin").contains("5 dir/small.txt");
        assertSucceeded(aws.run("--endpoint-url", endpoint, "s3", "cp", "s3://aws-cli/dir/big.bin", upload.resolve("back.bin").toString()));
        assertThat(Files.readAllBytes(upload.resolve("back.bin"))).isEqualTo(bytes);
        assertSucceeded(aws.run("--endpoint-url", endpoint, "s3", "rm", "--recursive", "s3://aws-cli/dir/"));
        assertSucceeded(aws.run("--endpoint-url", endpoint, "s3", "rb", "s3://aws-cli"));
        assertThat(dir.resolve("aws-cli")).doesNotExist();
    }

    private static void assertSucceeded(Tool.Run run) {
        assertThat(run.exitCode()).as(run.output()).isZero();
    }

    private static byte[] get(GetObjectArgs args) throws Exception {
        try (InputStream in = client.getObject(args)) {
            return in.readAllBytes();
        }
    }

    private static byte[] randomBytes(int size) {
        byte[] bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }

    private static String folder() {
        return "t-" + UUID.randomUUID() + "/";
    }

    private static Iterable<Result<Item>> list(String prefix, boolean recursive) {
        return client.listObjects(ListObjectsArgs.builder().bucket(BUCKET).prefix(prefix).recursive(recursive).maxKeys(PAGE).build());
    }

    private static List<String> names(Iterable<Result<Item>> listing) throws Exception {
        List<String> names = new ArrayList<>();
        for (Result<Item> result : listing) {
            names.add(result.get().objectName());
        }
        return names;
    }

    private static void put(String key) throws Exception {
        byte[] bytes = key.getBytes();
        client.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key).stream(new ByteArrayInputStream(bytes), bytes.length, -1).build());
    }
}
