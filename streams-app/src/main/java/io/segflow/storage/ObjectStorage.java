package io.segflow.storage;

import java.io.InputStream;

import java.util.List;
import java.util.Optional;

/**
 * The bucket segments live in: what uploads, compaction workers, readers and garbage collection
 * need of object storage. {@link S3ObjectStorage} speaks S3 to MinIO, AWS or the embedded server.
 */
public interface ObjectStorage extends AutoCloseable {
    String bucket();

    /** Creates the bucket unless it exists. */
    void ensureBucket();

    /** The bytes of {@code object}; a {@link StorageException} if it cannot be read. */
    byte[] get(String object);

    /** A stream of {@code object}'s bytes, read as they arrive (for files too large to hold); the caller closes it. */
    InputStream open(String object);

    /** The size of {@code object} in bytes; a {@link StorageException} if there is no such object. */
    long size(String object);

    /** A stream of {@code length} bytes of {@code object} from {@code offset} (an HTTP range read); the caller closes it. */
    InputStream open(String object, long offset, long length);

    /** Writes {@code size} bytes read from {@code in} as {@code object}, in parts if it is large, without holding it in memory. */
    void upload(String object, InputStream in, long size) throws Exception;

    /** The bytes of {@code object}, or empty if there is no such object. */
    Optional<byte[]> find(String object);

    /** Writes {@code object} whole, replacing what was there (a retried upload overwrites its earlier attempt). */
    void put(String object, byte[] bytes) throws Exception;

    /** Deletes {@code object}; deleting one that is gone succeeds (S3 semantics). */
    void remove(String object) throws Exception;

    /** Every object under {@code prefix}, with its size and last-modified time. */
    List<StoredObject> list(String prefix) throws Exception;

    /** Whether the bucket answers; for health checks. */
    boolean bucketExists();
}
