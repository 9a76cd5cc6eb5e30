package io.segflow.embedded;

import com.sun.net.httpserver.HttpServer;
import io.segflow.http.HttpDefaults;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An S3-compatible server storing objects as plain files under a local folder ({@link ObjectFiles}), checking
 * Signature Version 4 on every request ({@link S3Handler}). Any S3 client (MinIO's, aws cli, s3cmd) can talk to it.
 * It is built for the one thing the embedded default needs, moving segment files at the speed of the disk: no
 * metadata beyond size and time is kept, and an answer costs little more than the copy of its bytes.
 */
public final class EmbeddedS3 implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedS3.class);
    /** Requests served at once: the MinIO client of one instance sends up to 64. */
    private static final int THREADS = 64;
    private static final int BACKLOG = 256;
    private static final long IDLE_SECONDS = 60;

    private final HttpServer server;
    private final ExecutorService executor;
    private final String endpoint;

    private EmbeddedS3(HttpServer server, ExecutorService executor, String endpoint) {
        this.server = server;
        this.executor = executor;
        this.endpoint = endpoint;
    }

    public static EmbeddedS3 start(Path dir, String host, int port, String accessKey, String secretKey) throws Exception {
        ObjectFiles files = new ObjectFiles(dir);
        HttpDefaults.apply();
        HttpServer server = HttpServer.create(new InetSocketAddress(host, port), BACKLOG);
        AtomicInteger threads = new AtomicInteger();
        // A hand-off queue wakes the thread that went idle last, whose caches are warm (a fixed pool's queue wakes
        // the one idle longest); past THREADS requests at once the dispatcher serves the next itself.
        ExecutorService executor = new ThreadPoolExecutor(0, THREADS, IDLE_SECONDS, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
            Thread thread = new Thread(runnable, "s3-server-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        }, new ThreadPoolExecutor.CallerRunsPolicy());
        server.setExecutor(executor);
        server.createContext("/", new S3Handler(files, new SigV4(accessKey, secretKey, Clock.systemUTC())));
        server.start();
        String endpoint = "http://" + host + ":" + server.getAddress().getPort();
        log.info("S3 server listening on {}, objects in {}", endpoint, dir.toAbsolutePath());
        return new EmbeddedS3(server, executor, endpoint);
    }

    public String endpoint() {
        return endpoint;
    }

    @Override
    public void close() throws Exception {
        server.stop(0);
        executor.shutdown();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }
}
