package io.segflow.storage;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;

/** What a put sends, as an S3 endpoint on plain HTTP receives it. */
@Timeout(60)
class S3ObjectStorageTest {
    @Test
    void aPutOverPlainHttpSignsThePayloadsSha256AndSendsNoContentMd5() throws Exception {
        Map<String, List<String>> headers = new ConcurrentHashMap<>();
        Map<String, byte[]> bodies = new ConcurrentHashMap<>();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values));
            bodies.put(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath(), exchange.getRequestBody().readAllBytes());
            exchange.getResponseHeaders().add("ETag", "\"e\"");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        byte[] bytes = new byte[300_000];
        new Random(7).nextBytes(bytes);
        try (S3ObjectStorage storage = new S3ObjectStorage("http://127.0.0.1:" + server.getAddress().getPort(), "key", "secret-key",
                "us-east-1", "bucket")) {
            storage.put("a/b", bytes);
        } finally {
            server.stop(0);
        }

        assertThat(bodies).containsOnlyKeys("PUT /bucket/a/b");
        assertThat(bodies.get("PUT /bucket/a/b")).isEqualTo(bytes);
        assertThat(headers.get("x-amz-content-sha256"))
                .containsExactly(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertThat(headers.get("authorization")).singleElement().asString().contains("x-amz-content-sha256");
        assertThat(headers).doesNotContainKey("content-md5");
        assertThat(headers.get("content-type")).containsExactly("application/avro");
    }
}
