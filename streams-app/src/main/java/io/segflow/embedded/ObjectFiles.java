package io.segflow.embedded;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The embedded S3 server's buckets and objects as plain files: bucket {@code b}'s key {@code a/b/c} is the file
 * {@code ROOT/b/a/b/c}, so the objects can be looked at with any file tool. A put writes a temporary file and renames
 * it into place, so a reader sees the old object or the new one, never a part. Folders left empty by a delete are
 * removed, as S3 has no folders. Keys are therefore paths: no empty, "." or ".." segment, no trailing '/', and no key
 * that is also the folder of another key. The server's own files live under {@code ROOT/.segflow}, which no bucket
 * name can reach.
 */
final class ObjectFiles {
    static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    private static final int MAX_KEY_BYTES = 1024;
    private static final int MAX_PARTS = 10_000;
    private static final int BUFFER_BYTES = 256 * 1024;
    private static final int MOVE_ATTEMPTS = 8;
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final String UPLOAD_FILE = "upload";

    /** An object's size, time and entity tag (derived from its file, so a put and a later read agree). */
    record ObjectInfo(String key, long size, Instant lastModified, String etag) {
    }

    record Bucket(String name, Instant created) {
    }

    /** A page of a listing: objects and common prefixes in key order, and the last of either as the place to go on from. */
    record Listing(List<ObjectInfo> objects, List<String> prefixes, boolean truncated, String last) {
    }

    record Part(int number, String etag) {
    }

    /** The bytes of a put as they arrive; {@link #finish} throws if what arrived is not what was signed. */
    interface Payload {
        int read(byte[] buffer) throws IOException;

        void finish();
    }

    private final Path root;
    private final Path temporary;
    private final Path uploads;

    ObjectFiles(Path root) throws IOException {
        this.root = root.toAbsolutePath();
        this.temporary = this.root.resolve(".segflow").resolve("tmp");
        this.uploads = this.root.resolve(".segflow").resolve("multipart");
        Files.createDirectories(temporary);
        Files.createDirectories(uploads);
        removeTemporaryFiles();
    }

    /** Puts cut short by a crash leave their temporary files; no put is under way while the server starts. */
    private void removeTemporaryFiles() throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(temporary)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        }
    }

    List<Bucket> buckets() throws IOException {
        List<Bucket> buckets = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(root)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (BUCKET_NAME.matcher(name).matches() && Files.isDirectory(child)) {
                    buckets.add(new Bucket(name, Files.readAttributes(child, BasicFileAttributes.class).creationTime().toInstant()));
                }
            }
        }
        buckets.sort(Comparator.comparing(Bucket::name));
        return buckets;
    }

    boolean bucketExists(String bucket) {
        return BUCKET_NAME.matcher(bucket).matches() && Files.isDirectory(root.resolve(bucket));
    }

    void createBucket(String bucket) throws IOException {
        if (!BUCKET_NAME.matcher(bucket).matches() || bucket.contains("..")) {
            throw new S3Exception(400, "InvalidBucketName", "the bucket name " + bucket + " is not valid: 3 to 63 of a-z, 0-9, '.' and '-'");
        }
        try {
            Files.createDirectory(root.resolve(bucket));
        } catch (FileAlreadyExistsException e) {
            throw new S3Exception(409, "BucketAlreadyOwnedByYou", "the bucket " + bucket + " exists and is yours");
        }
    }

    void deleteBucket(String bucket) throws IOException {
        Path dir = bucketDir(bucket);
        try {
            Files.delete(dir);
        } catch (DirectoryNotEmptyException e) {
            throw new S3Exception(409, "BucketNotEmpty", "the bucket " + bucket + " is not empty");
        }
    }

    ObjectInfo put(String bucket, String key, Payload payload) throws IOException {
        Path target = objectPath(bucket, key);
        Path tmp = write(payload);
        return publish(tmp, target, key);
    }

    ObjectInfo stat(String bucket, String key) throws IOException {
        Path path = objectPath(bucket, key);
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (!attributes.isRegularFile()) {
                throw S3Exception.noSuchKey(key);
            }
            return info(key, attributes);
        } catch (NoSuchFileException e) {
            throw S3Exception.noSuchKey(key);
        } catch (FileSystemException e) {
            // a path through a file ("a/b" where "a" is an object) names nothing
            throw S3Exception.noSuchKey(key);
        }
    }

    /** The file holding {@code key}, to read from; {@link #stat} first says whether there is one. */
    Path file(String bucket, String key) {
        return objectPath(bucket, key);
    }

    /** Deletes {@code key} if it exists (S3 answers the same either way), and the folders it leaves empty. */
    void delete(String bucket, String key) throws IOException {
        Path path = objectPath(bucket, key);
        try {
            if (!Files.isRegularFile(path)) {
                return;
            }
            Files.deleteIfExists(path);
        } catch (FileSystemException e) {
            return;
        }
        removeEmptyFolders(path.getParent(), bucketDir(bucket));
    }

    ObjectInfo copy(String sourceBucket, String sourceKey, String bucket, String key) throws IOException {
        stat(sourceBucket, sourceKey);
        Path target = objectPath(bucket, key);
        Path tmp = temporaryFile();
        try {
            Files.copy(objectPath(sourceBucket, sourceKey), tmp, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException e) {
            Files.deleteIfExists(tmp);
            throw S3Exception.noSuchKey(sourceKey);
        }
        return publish(tmp, target, key);
    }

    /**
     * Up to {@code maxKeys} objects and common prefixes under {@code prefix} after {@code after} (a key or a common
     * prefix of an earlier page, or null), in key order. Each page walks only the folders on the way to {@code after}
     * and what it lists, so paging through N objects costs about N, not N squared.
     */
    Listing list(String bucket, String prefix, String delimiter, String after, int maxKeys) throws IOException {
        Path bucketDir = bucketDir(bucket);
        List<ObjectInfo> objects = new ArrayList<>();
        List<String> prefixes = new ArrayList<>();
        String start = prefix;
        boolean skipPrefix = false;
        if (after != null && after.compareTo(prefix) >= 0) {
            start = after;
            skipPrefix = delimiter != null && !delimiter.isEmpty() && after.endsWith(delimiter);
        }
        KeyWalk walk = new KeyWalk(bucketDir, prefix, start);
        String last = null;
        String skipped = skipPrefix ? after : null;
        while (walk.hasNext()) {
            KeyWalk.Found found = walk.next();
            String key = found.key();
            if (key.equals(after) || (skipped != null && key.startsWith(skipped))) {
                continue;
            }
            String common = commonPrefix(key, prefix, delimiter);
            if (common != null && common.equals(skipped)) {
                continue;
            }
            if (objects.size() + prefixes.size() == maxKeys) {
                return new Listing(objects, prefixes, true, last);
            }
            if (common != null) {
                prefixes.add(common);
                skipped = common;
                last = common;
            } else {
                objects.add(info(key, found.attributes()));
                last = key;
            }
        }
        return new Listing(objects, prefixes, false, last);
    }

    String createUpload(String bucket, String key) throws IOException {
        objectPath(bucket, key);
        String id = UUID.randomUUID().toString();
        Path dir = uploads.resolve(id);
        Files.createDirectory(dir);
        Files.writeString(dir.resolve(UPLOAD_FILE), bucket + "\n" + key, StandardCharsets.UTF_8);
        return id;
    }

    String putPart(String bucket, String key, String uploadId, int number, Payload payload) throws IOException {
        if (number < 1 || number > MAX_PARTS) {
            throw S3Exception.invalidArgument("a part number is from 1 to " + MAX_PARTS);
        }
        Path dir = upload(bucket, key, uploadId);
        Path tmp = write(payload);
        Path part = dir.resolve(partName(number));
        try {
            Files.move(tmp, part, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (NoSuchFileException e) {
            Files.deleteIfExists(tmp);
            throw noSuchUpload(uploadId);
        }
        return etag(Files.readAttributes(part, BasicFileAttributes.class));
    }

    ObjectInfo complete(String bucket, String key, String uploadId, List<Part> parts) throws IOException {
        Path dir = upload(bucket, key, uploadId);
        if (parts.isEmpty()) {
            throw new S3Exception(400, "MalformedXML", "a multipart upload is completed with at least one part");
        }
        for (int i = 1; i < parts.size(); i++) {
            if (parts.get(i).number() <= parts.get(i - 1).number()) {
                throw new S3Exception(400, "InvalidPartOrder", "the parts must be listed in ascending order of their numbers");
            }
        }
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            Path file = dir.resolve(partName(part.number()));
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                throw new S3Exception(400, "InvalidPart", "part " + part.number() + " was not uploaded");
            }
            if (!etag(attributes).equals(unquoted(part.etag()))) {
                throw new S3Exception(400, "InvalidPart", "part " + part.number() + "'s entity tag is not the one its upload answered");
            }
            if (i < parts.size() - 1 && attributes.size() < MIN_PART_SIZE) {
                throw new S3Exception(400, "EntityTooSmall", "part " + part.number() + " is smaller than 5 MiB and is not the last part");
            }
            files.add(file);
        }
        Path tmp = temporaryFile();
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            for (Path file : files) {
                try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                    long size = in.size();
                    for (long done = 0; done < size; ) {
                        done += in.transferTo(done, size - done, out);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        ObjectInfo info = publish(tmp, objectPath(bucket, key), key);
        removeUpload(dir);
        return info;
    }

    void abort(String bucket, String key, String uploadId) throws IOException {
        removeUpload(upload(bucket, key, uploadId));
    }

    private Path upload(String bucket, String key, String uploadId) throws IOException {
        objectPath(bucket, key);
        if (uploadId.isEmpty() || uploadId.contains("/") || uploadId.startsWith(".")) {
            throw noSuchUpload(uploadId);
        }
        Path dir = uploads.resolve(uploadId);
        try {
            if (!Files.readString(dir.resolve(UPLOAD_FILE), StandardCharsets.UTF_8).equals(bucket + "\n" + key)) {
                throw noSuchUpload(uploadId);
            }
        } catch (NoSuchFileException e) {
            throw noSuchUpload(uploadId);
        }
        return dir;
    }

    private static void removeUpload(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                Files.deleteIfExists(file);
            }
        } catch (NoSuchFileException e) {
            return;
        }
        Files.deleteIfExists(dir);
    }

    private static S3Exception noSuchUpload(String uploadId) {
        return new S3Exception(404, "NoSuchUpload", "there is no multipart upload " + uploadId + " of this key");
    }

    private static String partName(int number) {
        return String.format("part-%05d", number);
    }

    private Path write(Payload payload) throws IOException {
        Path tmp = temporaryFile();
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            byte[] buffer = new byte[BUFFER_BYTES];
            for (int n = payload.read(buffer); n >= 0; n = payload.read(buffer)) {
                ByteBuffer bytes = ByteBuffer.wrap(buffer, 0, n);
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
            }
            payload.finish();
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        return tmp;
    }

    private Path temporaryFile() throws IOException {
        return Files.createTempFile(temporary, "put-", "");
    }

    /** Moves a written file to {@code target}, making its folders; a delete may remove an emptied folder on the way. */
    private ObjectInfo publish(Path tmp, Path target, String key) throws IOException {
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    Files.createDirectories(target.getParent());
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    return info(key, Files.readAttributes(target, BasicFileAttributes.class));
                } catch (NoSuchFileException e) {
                    if (attempt == MOVE_ATTEMPTS) {
                        throw e;
                    }
                } catch (FileAlreadyExistsException | DirectoryNotEmptyException e) {
                    throw keyConflict(key);
                } catch (FileSystemException e) {
                    if (Files.isDirectory(target) || e.getMessage().contains("Not a directory")) {
                        throw keyConflict(key);
                    }
                    throw e;
                }
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static S3Exception keyConflict(String key) {
        return S3Exception.invalidArgument("the key " + key + " and another key would be a file and a folder of one name:"
                + " the embedded S3 server stores keys as paths");
    }

    private static void removeEmptyFolders(Path dir, Path bucketDir) {
        for (Path folder = dir; folder != null && !folder.equals(bucketDir) && folder.startsWith(bucketDir); folder = folder.getParent()) {
            try {
                Files.delete(folder);
            } catch (IOException e) {
                return;
            }
        }
    }

    private Path bucketDir(String bucket) {
        if (!bucketExists(bucket)) {
            throw S3Exception.noSuchBucket(bucket);
        }
        return root.resolve(bucket);
    }

    private Path objectPath(String bucket, String key) {
        Path bucketDir = bucketDir(bucket);
        if (key.isEmpty()) {
            throw S3Exception.invalidArgument("an object's key is not empty");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > MAX_KEY_BYTES) {
            throw new S3Exception(400, "KeyTooLongError", "a key is at most " + MAX_KEY_BYTES + " bytes");
        }
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..") || segment.indexOf('\0') >= 0) {
                throw S3Exception.invalidArgument("the key " + key + " has an empty, '.' or '..' segment or ends with '/',"
                        + " which the embedded S3 server cannot store as a path");
            }
        }
        return bucketDir.resolve(key);
    }

    private static String commonPrefix(String key, String prefix, String delimiter) {
        if (delimiter == null || delimiter.isEmpty()) {
            return null;
        }
        int at = key.indexOf(delimiter, prefix.length());
        return at < 0 ? null : key.substring(0, at + delimiter.length());
    }

    private static ObjectInfo info(String key, BasicFileAttributes attributes) {
        return new ObjectInfo(key, attributes.size(), attributes.lastModifiedTime().toInstant(), etag(attributes));
    }

    /** The file's modification time, size and identity: it changes whenever the object does. */
    static String etag(BasicFileAttributes attributes) {
        return String.format("%016x%016x%08x", attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS), attributes.size(),
                Objects.hashCode(attributes.fileKey()));
    }

    private static String unquoted(String etag) {
        String trimmed = etag.trim();
        return trimmed.length() >= 2 && trimmed.startsWith("\"") && trimmed.endsWith("\"") ? trimmed.substring(1, trimmed.length() - 1) : trimmed;
    }
}
