package io.segflow.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.collection.CollectionDefinition;
import io.segflow.collection.CollectionException;
import io.segflow.collection.CollectionService;
import io.segflow.http.HttpError;
import io.segflow.http.HttpRequest;
import io.segflow.http.JsonHttpServer;
import io.segflow.http.JsonHttpServer.Created;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The HTTP API of an instance:
 * {@code GET /health}, {@code GET /collections}, {@code GET /collections/{name}},
 * {@code POST /collections}, {@code POST /collections/{name}/partitions} and
 * {@code POST /collections/{name}/fields}. Errors are JSON {@code {"error": "..."}} with 400,
 * 404 or 409.
 */
public final class ApiServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonHttpServer http;
    private final CollectionService collections;
    private final HealthCheck health;

    private ApiServer(CollectionService collections, HealthCheck health) {
        this.collections = collections;
        this.health = health;
        this.http = new JsonHttpServer(JSON, "application/json", ApiServer::error);
    }

    public static ApiServer start(CollectionService collections, HealthCheck health, String host, int port) throws IOException {
        ApiServer server = new ApiServer(collections, health);
        server.routes();
        server.http.start("api", host, port);
        return server;
    }

    public int port() {
        return http.port();
    }

    private void routes() {
        http.route("GET", "/health", request -> {
            HealthCheck.Report report = health.run();
            if (!report.up()) {
                throw new HttpError(503, report);
            }
            return report;
        });
        http.route("GET", "/collections", request -> collections.list().stream().map(CollectionView::of).toList());
        http.route("GET", "/collections/{name}", request -> CollectionView.of(collections.get(request.pathParam("name"))));
        http.route("POST", "/collections", request ->
                new Created(CollectionView.of(collections.create(body(request, CollectionDefinition.class)))));
        http.route("POST", "/collections/{name}/partitions", request -> {
            String partition = body(request, JsonNode.class).path("name").asText(null);
            return new Created(CollectionView.of(collections.addPartition(request.pathParam("name"), partition)));
        });
        http.route("POST", "/collections/{name}/fields", request -> new Created(CollectionView.of(
                collections.addField(request.pathParam("name"), body(request, CollectionDefinition.FieldDefinition.class)))));
    }

    private static <T> T body(HttpRequest request, Class<T> type) {
        try {
            T value = JSON.readValue(request.body(), type);
            if (value == null) {
                throw new CollectionException(CollectionException.Kind.INVALID, "the request needs a JSON body");
            }
            return value;
        } catch (JsonProcessingException e) {
            throw new CollectionException(CollectionException.Kind.INVALID, "the request body is not a valid "
                    + type.getSimpleName() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static HttpError error(Exception e) {
        if (e instanceof CollectionException collection) {
            return new HttpError(collection.kind().status(), Map.of("error", collection.getMessage()));
        }
        return new HttpError(500, Map.of("error", String.valueOf(e.getMessage())));
    }

    @Override
    public void close() {
        http.close();
    }
}
