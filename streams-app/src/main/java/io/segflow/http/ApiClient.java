package io.segflow.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Calls an instance's HTTP API (the CLI, the oracle, the benchmarks); an error answer fails with
 * the server's reason, an unreachable instance with an {@link IllegalStateException}.
 */
public final class ApiClient {
    public static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
    /** One connection pool and selector thread for every client of this JVM. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

    private final String baseUrl;
    private final Duration timeout;

    public ApiClient(String baseUrl) {
        this(baseUrl, DEFAULT_TIMEOUT);
    }

    /** A client whose requests may take up to {@code timeout}: a benchmark's scans of millions of rows. */
    public ApiClient(String baseUrl, Duration timeout) {
        this.baseUrl = baseUrl.replaceAll("/+$", "");
        this.timeout = timeout;
    }

    /** The instance's address, {@code http://host:port}. */
    public String baseUrl() {
        return baseUrl;
    }

    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET(), false).orElseThrow();
    }

    /** Like {@link #get}, but a 404 is an empty answer rather than an error. */
    public Optional<JsonNode> find(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET(), true);
    }

    public JsonNode post(String path, Object body) {
        try {
            return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))), false).orElseThrow();
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot encode the request: " + e.getMessage(), e);
        }
    }

    private Optional<JsonNode> send(HttpRequest.Builder request, boolean notFoundIsEmpty) {
        HttpRequest built = request.timeout(timeout).build();
        try {
            HttpResponse<byte[]> response = HTTP.send(built, HttpResponse.BodyHandlers.ofByteArray());
            if (notFoundIsEmpty && response.statusCode() == 404) {
                return Optional.empty();
            }
            JsonNode body = response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException(built.method() + " " + built.uri() + " answered " + response.statusCode() + ": "
                        + body.path("error").asText(body.toString()));
            }
            return Optional.of(body);
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach the Segflow API at " + baseUrl + " (is `segflow run` up?): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted calling " + built.uri(), e);
        }
    }
}
