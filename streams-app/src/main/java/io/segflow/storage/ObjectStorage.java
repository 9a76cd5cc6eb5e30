package io.segflow.storage;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;

/** The deployment's bucket, through the MinIO client, as it would be on MinIO or AWS. */
public final class ObjectStorage implements AutoCloseable {
    private static final long CONNECT_TIMEOUT_MS = 10_000;
    private static final long IO_TIMEOUT_MS = 60_000;

    private final MinioClient client;
    private final String endpoint;
    private final String bucket;

    public ObjectStorage(String endpoint, String accessKey, String secretKey, String region, String bucket) {
        this.client = MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).region(region).build();
        // A hung server fails the attempt (and the upload retries) instead of blocking for OkHttp's minutes.
        client.setTimeout(CONNECT_TIMEOUT_MS, IO_TIMEOUT_MS, IO_TIMEOUT_MS);
        this.endpoint = endpoint;
        this.bucket = bucket;
    }

    public MinioClient client() {
        return client;
    }

    public String bucket() {
        return bucket;
    }

    /** Creates the bucket unless it exists. */
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

    /** Whether the bucket answers; for health checks. */
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
    }
}
