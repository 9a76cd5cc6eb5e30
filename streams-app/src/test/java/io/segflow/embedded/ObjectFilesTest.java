package io.segflow.embedded;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded S3 server's store on a real folder: S3's key order, paging, folders and multipart uploads. */
class ObjectFilesTest {
    private static final String BUCKET = "bucket";

    @TempDir
    Path root;
    ObjectFiles files;

    @BeforeEach
    void create() throws IOException {
        files = new ObjectFiles(root);
        files.createBucket(BUCKET);
    }

    private static ObjectFiles.Payload payload(byte[] bytes) {
        return new ObjectFiles.Payload() {
            private int position;

            @Override
            public int read(byte[] buffer) {
                if (position == bytes.length) {
                    return -1;
                }
                int n = Math.min(buffer.length, bytes.length - position);
                System.arraycopy(bytes, position, buffer, 0, n);
                position += n;
                return n;
            }

            @Override
            public void finish() {
            }
        };
    }

    private void put(String key) throws IOException {
        files.put(BUCKET, key, payload(key.getBytes(StandardCharsets.UTF_8)));
    }

    private List<String> pages(String prefix, String delimiter, int pageSize) throws IOException {
        List<String> names = new ArrayList<>();
        String after = null;
        while (true) {
            ObjectFiles.Listing page = files.list(BUCKET, prefix, delimiter, after, pageSize);
            assertThat(page.objects().size() + page.prefixes().size()).isLessThanOrEqualTo(pageSize);
            page.objects().forEach(object -> names.add(object.key()));
            names.addAll(page.prefixes());
            if (!page.truncated()) {
                return names;
            }
            after = page.last();
        }
    }

    @Test
    void keysListInS3sOrderWhereAFolderSortsByItsSlash() throws IOException {
        List<String> keys = List.of("a-c", "a/b", "a/b0", "a/b-/x", "a0", "a/c/d/e", "b", "a/b./y");
        for (String key : keys) {
            put(key);
        }

        assertThat(pages("", null, 1000)).containsExactlyElementsOf(keys.stream().sorted().toList());
        assertThat(pages("", null, 3)).containsExactlyElementsOf(keys.stream().sorted().toList());
        assertThat(pages("a/b", null, 2)).containsExactly("a/b", "a/b-/x", "a/b./y", "a/b0");
    }

    @Test
    void aDelimitedListingRollsFoldersIntoCommonPrefixesAcrossPages() throws IOException {
        for (String key : List.of("p/a/1", "p/a/2", "p/b", "p/c/1", "p/d", "q")) {
            put(key);
        }

        ObjectFiles.Listing all = files.list(BUCKET, "p/", "/", null, 1000);
        assertThat(all.objects()).extracting(ObjectFiles.ObjectInfo::key).containsExactly("p/b", "p/d");
        assertThat(all.prefixes()).containsExactly("p/a/", "p/c/");
        assertThat(pages("p/", "/", 1)).containsExactly("p/a/", "p/b", "p/c/", "p/d");
    }

    @Test
    void aDeleteRemovesTheFoldersItEmptiesAndABucketGoesOnceEmpty() throws IOException {
        put("x/y/z");
        put("x/w");

        SigV4Test.assertRefused(() -> deleteBucket(), "BucketNotEmpty");
        files.delete(BUCKET, "x/y/z");
        assertThat(root.resolve(BUCKET).resolve("x/y")).doesNotExist();
        files.delete(BUCKET, "x/w");
        files.delete(BUCKET, "x/w");
        assertThat(root.resolve(BUCKET).resolve("x")).doesNotExist();
        deleteBucket();
        assertThat(files.bucketExists(BUCKET)).isFalse();
    }

    private void deleteBucket() {
        try {
            files.deleteBucket(BUCKET);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void keysThatAreNoPathAndAKeyThatIsAnotherKeysFolderAreRefused() throws IOException {
        for (String key : List.of("a/", "a//b", "a/../b", "./a")) {
            SigV4Test.assertRefused(() -> putQuietly(key), "InvalidArgument");
        }
        put("f/g");
        SigV4Test.assertRefused(() -> putQuietly("f"), "InvalidArgument");
        SigV4Test.assertRefused(() -> putQuietly("f/g/h"), "InvalidArgument");
        assertThat(files.stat(BUCKET, "f/g").size()).isEqualTo(3);
    }

    private void putQuietly(String key) {
        try {
            put(key);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aPayloadThatFailsItsCheckLeavesNeitherTheObjectNorATemporaryFile() throws IOException {
        put("kept");
        ObjectFiles.Payload bad = new ObjectFiles.Payload() {
            private final ObjectFiles.Payload bytes = payload(new byte[] {1, 2, 3});

            @Override
            public int read(byte[] buffer) throws IOException {
                return bytes.read(buffer);
            }

            @Override
            public void finish() {
                throw new S3Exception(400, "XAmzContentSHA256Mismatch", "test");
            }
        };

        SigV4Test.assertRefused(() -> {
            try {
                files.put(BUCKET, "kept", bad);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }, "XAmzContentSHA256Mismatch");
        assertThat(Files.readString(files.file(BUCKET, "kept"))).isEqualTo("kept");
        try (Stream<Path> temporary = Files.list(root.resolve(".segflow/tmp"))) {
            assertThat(temporary).isEmpty();
        }
    }

    @Test
    void theTemporaryFileOfAPutCutShortByACrashIsRemovedWhenTheStoreOpensAgain() throws IOException {
        put("kept");
        Path leftOver = Files.writeString(root.resolve(".segflow/tmp/put-1234"), "half of an object");

        ObjectFiles reopened = new ObjectFiles(root);

        assertThat(leftOver).doesNotExist();
        assertThat(reopened.stat(BUCKET, "kept").size()).isEqualTo(4);
    }

    @Test
    void aMultipartUploadJoinsItsPartsInOrderAndChecksEachPart() throws IOException {
        byte[] first = new byte[(int) ObjectFiles.MIN_PART_SIZE];
        Arrays.fill(first, (byte) 1);
        byte[] last = {2, 3};
        String id = files.createUpload(BUCKET, "big/object");
        String etag2 = files.putPart(BUCKET, "big/object", id, 2, payload(last));
        String etag1 = files.putPart(BUCKET, "big/object", id, 1, payload(first));

        SigV4Test.assertRefused(() -> complete("big/object", id, List.of(new ObjectFiles.Part(2, etag2), new ObjectFiles.Part(1, etag1))), "InvalidPartOrder");
        SigV4Test.assertRefused(() -> complete("big/object", id, List.of(new ObjectFiles.Part(1, etag2), new ObjectFiles.Part(2, etag2))), "InvalidPart");
        SigV4Test.assertRefused(() -> complete("big/object", id, List.of(new ObjectFiles.Part(1, etag1), new ObjectFiles.Part(3, etag2))), "InvalidPart");
        ObjectFiles.ObjectInfo done = complete("big/object", id, List.of(new ObjectFiles.Part(1, "\"" + etag1 + "\""), new ObjectFiles.Part(2, etag2)));

        assertThat(done.size()).isEqualTo(first.length + 2L);
        byte[] stored = Files.readAllBytes(files.file(BUCKET, "big/object"));
        assertThat(stored[0]).isEqualTo((byte) 1);
        assertThat(Arrays.copyOfRange(stored, first.length, stored.length)).containsExactly(2, 3);
        assertThat(done.etag()).isEqualTo(files.stat(BUCKET, "big/object").etag());
        SigV4Test.assertRefused(() -> complete("big/object", id, List.of(new ObjectFiles.Part(1, etag1))), "NoSuchUpload");
    }

    @Test
    void aPartSmallerThanFiveMibibytesMayOnlyBeTheLast() throws IOException {
        String id = files.createUpload(BUCKET, "o");
        String etag1 = files.putPart(BUCKET, "o", id, 1, payload(new byte[10]));
        String etag2 = files.putPart(BUCKET, "o", id, 2, payload(new byte[10]));

        SigV4Test.assertRefused(() -> complete("o", id, List.of(new ObjectFiles.Part(1, etag1), new ObjectFiles.Part(2, etag2))), "EntityTooSmall");
        files.abort(BUCKET, "o", id);
        SigV4Test.assertRefused(() -> complete("o", id, List.of(new ObjectFiles.Part(1, etag1))), "NoSuchUpload");
        try (Stream<Path> uploads = Files.list(root.resolve(".segflow/multipart"))) {
            assertThat(uploads).isEmpty();
        }
    }

    private ObjectFiles.ObjectInfo complete(String key, String id, List<ObjectFiles.Part> parts) {
        try {
            return files.complete(BUCKET, key, id, parts);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
