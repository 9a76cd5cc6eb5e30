package io.segflow.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** JSON calls to an instance's HTTP API. */
public final class Http {
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A status and the JSON body. */
    public record Answer(int status, JsonNode body) {
    }

    private Http() {
    }

    public static Answer get(String url) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).GET().build());
    }

    public static Answer post(String url, String json) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    /** Any method with any body, answered within 30 s or failing: for tests of what the API does with bad requests. */
    public static Answer request(String method, String url, byte[] body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    /** The sum of the Prometheus samples of {@code name} on {@code api}'s /metrics whose labels include each of {@code labels} ({@code key=value}). */
    public static double metric(String api, String name, String... labels) throws IOException, InterruptedException {
        return samples(api, name, labels).stream().mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** The Prometheus sample lines of {@code name} on {@code api}'s /metrics whose labels include each of {@code labels}. */
    public static List<String> samples(String api, String name, String... labels) throws IOException, InterruptedException {
        String text = CLIENT.send(HttpRequest.newBuilder(URI.create(api + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        return text.lines().filter(l -> l.startsWith(name + "{") || l.startsWith(name + " "))
                .filter(l -> Arrays.stream(labels).map(label -> label.replaceFirst("=(.*)", "=\"$1\"")).allMatch(l::contains))
                .toList();
    }

    private static Answer send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }
}
