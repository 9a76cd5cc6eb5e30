package io.segflow.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.net.UrlEscapers;
import org.apache.kafka.streams.state.HostInfo;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Calls the HTTP API of another instance, found through Kafka Streams metadata (application.server). */
public final class Peers {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final ObjectMapper json;

    public Peers(ObjectMapper json) {
        this.json = json;
    }

    /** A path of the API from its segments, each percent-encoded: a collection name or an id can hold any character. */
    public static String path(String... segments) {
        return Arrays.stream(segments).map(UrlEscapers.urlPathSegmentEscaper()::escape).collect(Collectors.joining("/", "/", ""));
    }

    /** GET {@code path} (built by {@link #path}, with its query) on {@code host}; the JSON answer, or an exception unless 200. */
    public JsonNode get(HostInfo host, String path) {
        return send(host, "GET", path, HttpRequest.BodyPublishers.noBody());
    }

    public JsonNode post(HostInfo host, String path, Object body) {
        try {
            return send(host, "POST", path, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the body of POST " + path + ": " + e.getMessage(), e);
        }
    }

    private JsonNode send(HostInfo host, String method, String path, HttpRequest.BodyPublisher body) {
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + path);
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).method(method, body)
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("instance " + host + " answered " + response.statusCode() + " to " + method + " " + path
                        + ": " + new String(response.body(), StandardCharsets.UTF_8));
            }
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach instance " + host + " for " + method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted calling " + uri, e);
        }
    }
}
