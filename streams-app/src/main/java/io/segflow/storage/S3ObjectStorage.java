package io.segflow.storage;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import com.google.common.collect.ImmutableMultimap;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** The deployment's bucket, through the MinIO client, as it would be on MinIO or AWS. */
public final class S3ObjectStorage implements ObjectStorage {
    private static final long CONNECT_TIMEOUT_MS = 10_000;
    private static final long IO_TIMEOUT_MS = 60_000;

    private final MinioClient client;
    private final ArrayPuts puts;
    private final String endpoint;
    private final String region;
    private final String bucket;

    public S3ObjectStorage(String endpoint, String accessKey, String secretKey, String region, String bucket) {
        this.client = MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).region(region).build();
        // A hung server fails the attempt (and the upload retries) instead of blocking for OkHttp's minutes.
        client.setTimeout(CONNECT_TIMEOUT_MS, IO_TIMEOUT_MS, IO_TIMEOUT_MS);
        this.puts = new ArrayPuts(MinioAsyncClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).region(region).build());
        puts.setTimeout(CONNECT_TIMEOUT_MS, IO_TIMEOUT_MS, IO_TIMEOUT_MS);
        this.endpoint = endpoint;
        this.region = region;
        this.bucket = bucket;
    }

    /**
     * The MinIO client's PUT of a byte array, which its public API only offers for a stream: from
     * a stream it copies the object into a buffer that grows by doubling (for a 35 MB insert log,
     * 64 MB allocated and every byte copied once more) before it signs and sends it.
     */
    private static final class ArrayPuts extends MinioAsyncClient {
        ArrayPuts(MinioAsyncClient client) {
            super(client);
        }

        void put(String bucket, String region, String object, byte[] bytes, int length) throws Exception {
            putObjectAsync(bucket, region, object, bytes, length, ImmutableMultimap.of("Content-Type", "application/avro"), null).get();
        }
    }

    public MinioClient client() {
        return client;
    }

    @Override
    public String bucket() {
        return bucket;
    }

    /** Creates the bucket unless it exists. */
    @Override
    public void ensureBucket() {
        try {
            if (!client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build())) {
                client.makeBucket(MakeBucketArgs.builder().bucket(bucket).build());
            }
        } catch (ErrorResponseException e) {
            if (!e.errorResponse().code().equals("BucketAlreadyOwnedByYou")) {
                throw new StorageException("cannot create bucket s3://" + bucket + " at " + endpoint + ": " + e.getMessage(), e);
            }
        } catch (Exception e) {
            throw new StorageException("cannot create bucket s3://" + bucket + " at " + endpoint + ": " + e.getMessage(), e);
        }
    }

    /** The bytes of {@code object}. */
    @Override
    public byte[] get(String object) {
        try (GetObjectResponse response = client.getObject(GetObjectArgs.builder().bucket(bucket).object(object).build())) {
            return response.readAllBytes();
        } catch (Exception e) {
            throw new StorageException("cannot read s3://" + bucket + "/" + object + ": " + e.getMessage(), e);
        }
    }

    /** The bytes of {@code object}, or empty if there is no such object. */
    @Override
    public Optional<byte[]> find(String object) {
        try (GetObjectResponse response = client.getObject(GetObjectArgs.builder().bucket(bucket).object(object).build())) {
            return Optional.of(response.readAllBytes());
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw new StorageException("cannot read s3://" + bucket + "/" + object + ": " + e.getMessage(), e);
        } catch (Exception e) {
            throw new StorageException("cannot read s3://" + bucket + "/" + object + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code object} in one PUT, signed over its bytes where they are. Left to choose, the
     * client would split anything over 5 MiB into a multipart upload, which costs more requests and
     * makes the server copy the parts once more.
     */
    @Override
    public void put(String object, byte[] bytes) throws Exception {
        try {
            puts.put(bucket, region, object, bytes, bytes.length);
        } catch (ExecutionException e) {
            // What failed, as the blocking client would have thrown it.
            Throwable cause = e.getCause() instanceof CompletionException wrapped && wrapped.getCause() != null ? wrapped.getCause() : e.getCause();
            throw cause instanceof Exception failure ? failure : e;
        }
    }

    /** Deletes {@code object}; deleting one that is gone succeeds (S3 semantics). */
    @Override
    public void remove(String object) throws Exception {
        client.removeObject(RemoveObjectArgs.builder().bucket(bucket).object(object).build());
    }

    @Override
    public List<StoredObject> list(String prefix) throws Exception {
        List<StoredObject> objects = new ArrayList<>();
        for (Result<Item> result : client.listObjects(ListObjectsArgs.builder().bucket(bucket).prefix(prefix).recursive(true).build())) {
            Item item = result.get();
            objects.add(new StoredObject(item.objectName(), item.size(), item.lastModified().toInstant().toEpochMilli()));
        }
        return objects;
    }

    /** Whether the bucket answers; for health checks. */
    @Override
    public boolean bucketExists() {
        try {
            return client.bucketExists(BucketExistsArgs.builder().bucket(bucket).build());
        } catch (Exception e) {
            throw new StorageException("cannot reach s3://" + bucket + " at " + endpoint + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() throws Exception {
        client.close();
        puts.close();
    }
}
