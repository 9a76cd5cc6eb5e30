package io.segflow.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JsonHttpServerTest {
    private static JsonHttpServer server;
    private static final HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws IOException {
        server = new JsonHttpServer(new ObjectMapper(), "application/test+json",
                e -> new HttpError(500, Map.of("mapped", e.getMessage())))
                .route("GET", "/things/{name}/parts/{part}", r -> Map.of("name", r.pathParam("name"), "part", r.pathParam("part"),
                        "q", r.queryParam("q").orElse("-")))
                .route("POST", "/things", r -> new JsonHttpServer.Created(Map.of("echo", new String(r.body()))))
                .route("GET", "/teapot", r -> {
                    throw new HttpError(418, Map.of("error", "short and stout"));
                })
                .route("GET", "/broken", r -> {
                    throw new IllegalStateException("boom");
                })
                .start("test", "127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void pathAndQueryParametersAreDecoded() throws Exception {
        HttpResponse<String> response = send("GET", "/things/a%20b.c-value/parts/x%2By?q=1%2B1", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/test+json");
        assertThat(json(response)).containsEntry("name", "a b.c-value").containsEntry("part", "x+y").containsEntry("q", "1+1");
    }

    @Test
    void createdValuesAnswer201WithTheBody() throws Exception {
        HttpResponse<String> response = send("POST", "/things", "hello");

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(json(response)).containsEntry("echo", "hello");
    }

    @Test
    void handlersChooseOtherAnswersWithHttpError() throws Exception {
        HttpResponse<String> response = send("GET", "/teapot", null);

        assertThat(response.statusCode()).isEqualTo(418);
        assertThat(json(response)).containsEntry("error", "short and stout");
    }

    @Test
    void unexpectedExceptionsGoThroughTheErrorMapper() throws Exception {
        HttpResponse<String> response = send("GET", "/broken", null);

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(json(response)).containsEntry("mapped", "boom");
    }

    @Test
    void unknownPathsAre404AndOtherMethods405() throws Exception {
        assertThat(send("GET", "/nothing/here", null).statusCode()).isEqualTo(404);
        assertThat(send("DELETE", "/things", null).statusCode()).isEqualTo(405);
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        return client.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> json(HttpResponse<String> response) throws IOException {
        return new ObjectMapper().readValue(response.body(), Map.class);
    }
}
