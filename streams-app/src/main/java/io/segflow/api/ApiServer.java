package io.segflow.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.base.Throwables;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.segflow.fanout.CollectionLag;
import io.segflow.fanout.Compactions;
import io.segflow.fanout.CollectionSegments;
import io.segflow.collection.CollectionDefinition;
import io.segflow.collection.CollectionException;
import io.segflow.collection.CollectionService;
import io.segflow.compaction.ManualCompaction;
import io.segflow.dlq.DlqReplay;
import io.segflow.http.HttpError;
import io.segflow.imports.ImportRequest;
import io.segflow.imports.ImportService;
import io.segflow.ingest.FlushTimeoutException;
import io.segflow.http.HttpRequest;
import io.segflow.http.JsonHttpServer;
import io.segflow.http.JsonHttpServer.Created;
import io.segflow.ingest.FlushService;
import io.segflow.ingest.CollectionPipeline;
import io.segflow.ingest.CollectionPipelines;
import io.segflow.read.ReadService;
import io.segflow.read.SearchRequest;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.registry.SchemaRegistryException;
import io.segflow.storage.StorageException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeoutException;

/**
 * The HTTP API of an instance:
 * {@code GET /health}, {@code GET /collections}, {@code GET /collections/{name}},
 * {@code POST /collections}, {@code POST /collections/{name}/partitions},
 * {@code POST /collections/{name}/fields}, {@code GET /collections/{name}/segments},
 * {@code POST /collections/{name}/flush}, {@code GET /collections/{name}/flushes/{id}},
 * {@code GET /collections/{name}/count}, {@code GET /collections/{name}/rows/{pk}},
 * {@code POST /collections/{name}/search}, {@code POST /collections/{name}/compact},
 * {@code GET /collections/{name}/compactions/{id}}, {@code POST /collections/{name}/dlq/replay},
 * {@code POST /collections/{name}/imports}, {@code GET /collections/{name}/imports},
 * {@code GET /collections/{name}/imports/{id}} and
 * {@code GET /metrics}. Errors are JSON {@code {"error": "..."}} with 400, 404, 409, 503 or 504.
 */
public final class ApiServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long DEFAULT_FLUSH_TIMEOUT_MS = 60_000;
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** What the API serves. */
    public record Services(CollectionService collections, HealthCheck health, CollectionPipelines pipelines, CollectionSegments segments,
                           FlushService flushes, ReadService reads, Compactions compactions, DlqReplay dlq, CollectionLag lag,
                           ImportService imports, PrometheusMeterRegistry meters) {
    }

    private final JsonHttpServer http;
    private final CollectionService collections;
    private final Services services;

    private ApiServer(Services services) {
        this.services = services;
        this.collections = services.collections();
        this.http = new JsonHttpServer(JSON, "application/json", ApiServer::error);
    }

    public static ApiServer start(Services services, String host, int port) throws IOException {
        ApiServer server = new ApiServer(services);
        server.routes();
        server.http.start("api", host, port);
        return server;
    }

    public int port() {
        return http.port();
    }

    private void routes() {
        http.route("GET", "/health", request -> {
            HealthCheck.Report report = services.health().run();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("status", report.status());
            body.put("components", report.components());
            body.put("collections", services.pipelines().statuses());
            if (!report.up()) {
                throw new HttpError(503, body);
            }
            return body;
        });
        // For compose and Kubernetes: 200 once every pipeline of this instance runs with its stores restored.
        http.route("GET", "/ready", request -> {
            Map<String, CollectionPipelines.PipelineStatus> statuses = services.pipelines().statuses();
            boolean ready = CollectionPipelines.allReady(statuses);
            Map<String, Object> body = Map.of("ready", ready, "collections", statuses);
            if (!ready) {
                throw new HttpError(503, body);
            }
            return body;
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
        http.route("GET", "/collections/{name}/lag", request ->
                services.lag().report(collections.get(request.pathParam("name")), isLocal(request)));
        http.route("GET", "/collections/{name}/segments", request ->
                services.segments().segments(request.pathParam("name"), isLocal(request)));
        http.route("POST", "/collections/{name}/flush", request -> {
            long timeoutMs = request.queryParam("timeoutMs").map(Long::parseLong).orElse(DEFAULT_FLUSH_TIMEOUT_MS);
            return services.flushes().flush(collections.get(request.pathParam("name")), Duration.ofMillis(timeoutMs));
        });
        http.route("GET", "/collections/{name}/flushes/{id}", request -> {
            CollectionPipeline pipeline = services.pipelines().ensure(request.pathParam("name"));
            String id = request.pathParam("id");
            return Map.of("flushId", id, "channels", isLocal(request) ? pipeline.flushes().channelsDone(id)
                    : services.flushes().channelsDone(pipeline, id));
        });
        http.route("GET", "/collections/{name}/count", request -> services.reads().count(request.pathParam("name"), isLocal(request)));
        http.route("GET", "/collections/{name}/rows/{pk}", request -> {
            ReadService.Rows rows = services.reads().get(request.pathParam("name"), request.pathParam("pk"), isLocal(request));
            if (rows.rows().isEmpty() && !isLocal(request)) {
                throw new HttpError(404, Map.of("error", "no live row with primary key " + request.pathParam("pk")));
            }
            return rows;
        });
        http.route("POST", "/collections/{name}/search", request ->
                services.reads().search(request.pathParam("name"), body(request, SearchRequest.class), isLocal(request)));
        http.route("POST", "/collections/{name}/compact", request -> {
            CollectionSpec spec = collections.get(request.pathParam("name"));
            ManualCompaction manual = body(request, CompactRequest.class).toManual();
            boolean dryRun = manual.dryRun() || request.queryParam("dryRun").filter("true"::equals).isPresent();
            return dryRun ? services.compactions().dryRun(spec, manual, isLocal(request)) : services.compactions().submit(spec, manual);
        });
        http.route("GET", "/collections/{name}/compactions/{id}", request ->
                services.compactions().status(collections.get(request.pathParam("name")), request.pathParam("id"), isLocal(request)));
        http.route("POST", "/collections/{name}/dlq/replay", request -> {
            CollectionSpec spec = collections.get(request.pathParam("name"));
            ReplayRequest replay = request.body().length == 0 ? ReplayRequest.ALL : body(request, ReplayRequest.class);
            return services.dlq().replay(spec, replay.reasons(), replay.from());
        });
        http.route("POST", "/collections/{name}/imports", request -> {
            String collection = collections.get(request.pathParam("name")).getName();
            // 200 both times: a retried request with the same idempotency key gets the job the first one created.
            return Map.of("importId", services.imports().submit(collection, body(request, ImportRequest.class)).getImportId());
        });
        http.route("GET", "/collections/{name}/imports", request -> services.imports()
                .jobs(collections.get(request.pathParam("name")).getName()).stream().map(ImportView::of).toList());
        http.route("GET", "/collections/{name}/imports/{id}", request -> {
            String collection = collections.get(request.pathParam("name")).getName();
            return ImportView.of(services.imports().job(collection, request.pathParam("id")).orElseThrow(() -> new HttpError(404,
                    Map.of("error", "collection " + collection + " has no import " + request.pathParam("id")))));
        });
        http.route("GET", "/metrics", request -> new JsonHttpServer.Text(PROMETHEUS_TEXT, services.meters().scrape()));
    }

    /** {@code ?scope=local}: this instance's channels only, as peers ask each other. */
    private static boolean isLocal(HttpRequest request) {
        return request.queryParam("scope").filter("local"::equals).isPresent();
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
        if (e instanceof FlushTimeoutException timeout) {
            return new HttpError(504, Map.of("error", timeout.getMessage(), "flushId", timeout.flushId(), "channelsPending",
                    new TreeSet<>(timeout.channelsPending())));
        }
        if (Throwables.getCausalChain(e).stream().anyMatch(ApiServer::unavailable)) {
            return new HttpError(503, Map.of("error", "a service this request needs is unavailable; retry later: " + e.getMessage()));
        }
        if (e instanceof IllegalArgumentException invalid) {
            return new HttpError(400, Map.of("error", String.valueOf(invalid.getMessage())));
        }
        return new HttpError(500, Map.of("error", String.valueOf(e.getMessage())));
    }

    /** Kafka, a store, the Schema Registry or object storage that cannot answer now, but may later. */
    private static boolean unavailable(Throwable cause) {
        return cause instanceof RetriableException || cause instanceof InvalidStateStoreException || cause instanceof TimeoutException
                || cause instanceof SchemaRegistryException || cause instanceof StorageException;
    }

    @Override
    public void close() {
        http.close();
    }
}
