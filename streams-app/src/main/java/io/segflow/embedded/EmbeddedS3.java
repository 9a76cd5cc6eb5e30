package io.segflow.embedded;

import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * An S3-compatible server (S3Proxy) storing objects as plain files under a local folder, with
 * signature v2/v4 authentication. Any S3 client (MinIO's, aws cli, s3cmd) can talk to it. Its listings
 * walk the folder once per listing, not once per page ({@link SingleWalkListingStore}).
 */
public final class EmbeddedS3 implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedS3.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final S3Proxy proxy;
    private final String endpoint;

    private EmbeddedS3(S3Proxy proxy, String endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    public static EmbeddedS3 start(Path dir, String host, int port, String accessKey, String secretKey) throws Exception {
        Path baseDir = dir.toAbsolutePath();
        Files.createDirectories(baseDir);
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", baseDir.toString());
        String endpoint = "http://" + host + ":" + port;
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(new SingleWalkListingStore(BlobStores.create("filesystem", props)))
                .endpoint(URI.create(endpoint))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("S3 server on " + endpoint + " did not start within " + START_TIMEOUT);
            }
            Thread.sleep(20);
        }
        log.info("S3 server listening on {}, objects in {}", endpoint, baseDir);
        return new EmbeddedS3(proxy, endpoint);
    }

    public String endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
    }
}
