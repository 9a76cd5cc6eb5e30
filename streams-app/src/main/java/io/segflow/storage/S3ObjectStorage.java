package io.segflow.storage;

import io.minio.BucketExistsArgs;
import io.minio.Digest;
import io.minio.GetObjectArgs;
import io.minio.GetObjectResponse;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import com.google.common.collect.ImmutableMultimap;
import io.minio.MinioAsyncClient;
import io.minio.MinioClient;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.credentials.Credentials;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InsufficientDataException;
import io.minio.errors.InternalException;
import io.minio.http.Method;
import io.minio.messages.Item;

import okhttp3.ConnectionPool;
import okhttp3.Dispatcher;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.RequestBody;

import java.io.IOException;
import java.io.InputStream;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** The deployment's bucket, through the MinIO client, as it would be on MinIO or AWS. */
public final class S3ObjectStorage implements ObjectStorage {
    private static final long CONNECT_TIMEOUT_MS = 10_000;
    private static final long IO_TIMEOUT_MS = 60_000;
    private static final int MAX_REQUESTS = 64;
    /**
     * Below the idle time after which servers close a kept-alive connection (the JDK's server, which the embedded
     * S3 server runs on, after 30 s): a request is then never sent on a connection the server is closing.
     */
    private static final long IDLE_CONNECTION_SECONDS = 20;

    private final OkHttpClient http;
    private final MinioClient client;
    private final ArrayPuts puts;
    private final String endpoint;
    private final String region;
    private final String bucket;

    public S3ObjectStorage(String endpoint, String accessKey, String secretKey, String region, String bucket) {
        this.http = httpClient();
        this.client = MinioClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).region(region).httpClient(http).build();
        this.puts = new ArrayPuts(MinioAsyncClient.builder().endpoint(endpoint).credentials(accessKey, secretKey).region(region).httpClient(http).build());
        this.endpoint = endpoint;
        this.region = region;
        this.bucket = bucket;
    }

    /**
     * One connection pool for both clients. A hung server fails the attempt (and the upload retries)
     * instead of blocking for OkHttp's minutes. Nagle's algorithm is off: a PUT's last partial
     * segment would otherwise wait for the server's delayed ACK (40 ms on Linux) before the server
     * can answer, which made an upload of a few hundred KB take 10 ms on loopback. The sockets'
     * streams are buffered, so a body moves in a few system calls ({@link StorageSocketFactory}).
     */
    private static OkHttpClient httpClient() {
        // The blocking client runs its calls through the async one, so every call of ours queues on
        // this dispatcher: OkHttp's default of 5 per host would serialise the workers and uploads.
        Dispatcher dispatcher = new Dispatcher();
        dispatcher.setMaxRequests(MAX_REQUESTS);
        dispatcher.setMaxRequestsPerHost(MAX_REQUESTS);
        return new OkHttpClient.Builder()
                .dispatcher(dispatcher)
                .connectionPool(new ConnectionPool(MAX_REQUESTS, IDLE_CONNECTION_SECONDS, TimeUnit.SECONDS))
                .connectTimeout(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .readTimeout(IO_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .writeTimeout(IO_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                .protocols(List.of(Protocol.HTTP_1_1))
                .socketFactory(new StorageSocketFactory())
                .build();
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

        /**
         * A payload is checked once. Over plain HTTP the request signs the payload's SHA-256, which
         * the server checks, so the client leaves out the Content-MD5 it would add as well: MD5 runs
         * at less than half SHA-256's speed here, and the server would check that one too. Over
         * TLS the payload is not signed ({@code UNSIGNED-PAYLOAD}) and its MD5 stays.
         */
        @Override
        protected Request createRequest(HttpUrl url, Method method, Headers headers, Object body, int length, Credentials creds)
                throws InsufficientDataException, InternalException, IOException, NoSuchAlgorithmException {
            if (!(body instanceof byte[] bytes) || creds == null || url.isHttps()) {
                return super.createRequest(url, method, headers, body, length, creds);
            }
            // MinIO's request for an empty body (hashes of nothing, cheap), then this payload's SHA-256 and bytes put in:
            // the signature, computed after this, covers the header.
            Request request = super.createRequest(url, method, headers, new byte[0], 0, creds);
            return request.newBuilder()
                    .removeHeader("Content-MD5")
                    .header("x-amz-content-sha256", Digest.sha256Hash(bytes, length))
                    .method(request.method(), RequestBody.create(bytes, request.body().contentType(), 0, length))
                    .build();
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
            return body(response);
        } catch (Exception e) {
            throw new StorageException("cannot read s3://" + bucket + "/" + object + ": " + e.getMessage(), e);
        }
    }

    /**
     * The answer's bytes read straight into one array of its Content-Length: {@code readAllBytes} gathers them in
     * 8 KB pieces and copies them once more.
     */
    private static byte[] body(GetObjectResponse response) throws IOException {
        String length = response.headers().get("Content-Length");
        if (length == null) {
            return response.readAllBytes();
        }
        byte[] bytes = new byte[Integer.parseInt(length)];
        int read = response.readNBytes(bytes, 0, bytes.length);
        if (read != bytes.length || response.read() != -1) {
            throw new IOException("the object has not the " + bytes.length + " bytes its answer's Content-Length says");
        }
        return bytes;
    }

    @Override
    public InputStream open(String object) {
        try {
            return client.getObject(GetObjectArgs.builder().bucket(bucket).object(object).build());
        } catch (Exception e) {
            throw new StorageException("cannot read s3://" + bucket + "/" + object + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long size(String object) {
        try {
            return client.statObject(StatObjectArgs.builder().bucket(bucket).object(object).build()).size();
        } catch (Exception e) {
            throw new StorageException("cannot find s3://" + bucket + "/" + object + ": " + e.getMessage(), e);
        }
    }

    @Override
    public InputStream open(String object, long offset, long length) {
        try {
            return client.getObject(GetObjectArgs.builder().bucket(bucket).object(object).offset(offset).length(length).build());
        } catch (Exception e) {
            throw new StorageException("cannot read s3://" + bucket + "/" + object + " at " + offset + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void upload(String object, InputStream in, long size) throws Exception {
        client.putObject(PutObjectArgs.builder().bucket(bucket).object(object).stream(in, size, -1).build());
    }

    /** The bytes of {@code object}, or empty if there is no such object. */
    @Override
    public Optional<byte[]> find(String object) {
        try (GetObjectResponse response = client.getObject(GetObjectArgs.builder().bucket(bucket).object(object).build())) {
            return Optional.of(body(response));
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
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
