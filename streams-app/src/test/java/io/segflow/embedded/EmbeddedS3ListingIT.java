package io.segflow.embedded;

import io.minio.BucketExistsArgs;
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

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Paged listings of the embedded S3 server through the MinIO client, as a user's S3 would answer them. */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class EmbeddedS3ListingIT {
    private static final String BUCKET = "listing";
    private static final int PAGE = 10;

    @TempDir
    static Path dir;
    static EmbeddedS3 s3;
    static MinioClient client;

    @BeforeAll
    static void start() throws Exception {
        s3 = EmbeddedS3.start(dir, "127.0.0.1", FreePorts.next(), "access", "secret-key");
        client = MinioClient.builder().endpoint(s3.endpoint()).credentials("access", "secret-key").build();
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
