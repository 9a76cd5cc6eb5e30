package io.segflow.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.segflow.http.HttpError;
import io.segflow.http.HttpRequest;
import io.segflow.http.JsonHttpServer;
import io.segflow.schema.registry.CompatibilityLevel;
import io.segflow.schema.registry.RegisteredSchema;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.schema.registry.SchemaRegistryException;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import static io.segflow.schema.registry.SchemaRegistryException.INVALID_COMPATIBILITY_LEVEL;
import static io.segflow.schema.registry.SchemaRegistryException.INVALID_SCHEMA;
import static io.segflow.schema.registry.SchemaRegistryException.SCHEMA_NOT_FOUND;
import static io.segflow.schema.registry.SchemaRegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED;

/**
 * The Confluent Schema Registry REST API over a {@link SchemaRegistryService}, for Avro:
 * enough for Confluent's serializers in any language, {@code kafka-avro-console-*} and this
 * project's {@link RestSchemaRegistryClient}. Subject deletion, modes, contexts and schema
 * references are not served.
 */
public final class SchemaRegistryServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SchemaRegistryService service;
    private final JsonHttpServer http;

    private SchemaRegistryServer(SchemaRegistryService service) {
        this.service = service;
        this.http = new JsonHttpServer(JSON, RestSchemaRegistryClient.CONTENT_TYPE, SchemaRegistryServer::error);
    }

    public static SchemaRegistryServer start(SchemaRegistryService service, String host, int port) throws IOException {
        SchemaRegistryServer server = new SchemaRegistryServer(service);
        server.routes();
        server.http.start("schema-registry", host, port);
        return server;
    }

    public int port() {
        return http.port();
    }

    private void routes() {
        http.route("GET", "/", request -> Map.of())
                .route("GET", "/schemas/types", request -> List.of("AVRO"))
                .route("GET", "/schemas/ids/{id}", request -> Map.of("schema", service.schemaById(id(request)).toString()))
                .route("GET", "/schemas/ids/{id}/versions", request -> service.versionsOf(id(request)).stream()
                        .map(v -> Map.of("subject", v.subject(), "version", v.version())).toList())
                .route("GET", "/subjects", request -> service.subjects())
                .route("GET", "/subjects/{subject}/versions", request -> service.versions(request.pathParam("subject")))
                .route("GET", "/subjects/{subject}/versions/{version}", request ->
                        versionJson(service.version(request.pathParam("subject"), request.pathParam("version"))))
                .route("GET", "/subjects/{subject}/versions/{version}/schema", request ->
                        JSON.readTree(service.version(request.pathParam("subject"), request.pathParam("version")).schema().toString()))
                .route("POST", "/subjects/{subject}/versions", request ->
                        Map.of("id", service.register(request.pathParam("subject"), schemaText(request))))
                .route("POST", "/subjects/{subject}", request ->
                        versionJson(service.lookup(request.pathParam("subject"), schemaText(request))))
                .route("POST", "/compatibility/subjects/{subject}/versions/{version}", this::checkCompatibility)
                .route("GET", "/config", request -> Map.of("compatibilityLevel", service.globalLevel().name()))
                .route("PUT", "/config", request -> setLevel(request, null))
                .route("GET", "/config/{subject}", this::subjectConfig)
                .route("PUT", "/config/{subject}", request -> setLevel(request, request.pathParam("subject")));
    }

    private Object checkCompatibility(HttpRequest request) {
        List<String> problems = service.compatibilityProblems(request.pathParam("subject"), request.pathParam("version"), schemaText(request));
        ObjectNode answer = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
        if (request.queryParam("verbose").filter("true"::equals).isPresent()) {
            problems.forEach(answer.putArray("messages")::add);
        }
        return answer;
    }

    private Object subjectConfig(HttpRequest request) {
        String subject = request.pathParam("subject");
        CompatibilityLevel level = service.subjectLevel(subject).orElseGet(() -> {
            if (request.queryParam("defaultToGlobal").filter("true"::equals).isEmpty()) {
                throw new SchemaRegistryException(404, SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                        "Subject '" + subject + "' does not have subject-level compatibility configured");
            }
            return service.globalLevel();
        });
        return Map.of("compatibilityLevel", level.name());
    }

    private Object setLevel(HttpRequest request, String subject) {
        String text = body(request).path("compatibility").asText("");
        CompatibilityLevel level;
        try {
            level = CompatibilityLevel.valueOf(text);
        } catch (IllegalArgumentException e) {
            throw new SchemaRegistryException(422, INVALID_COMPATIBILITY_LEVEL, "Invalid compatibility level: '" + text + "'");
        }
        service.setLevel(subject, level);
        return Map.of("compatibility", level.name());
    }

    private static String schemaText(HttpRequest request) {
        JsonNode body = body(request);
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equals("AVRO")) {
            throw new SchemaRegistryException(422, INVALID_SCHEMA, "Unsupported schema type " + type + "; this registry serves AVRO");
        }
        if (body.hasNonNull("references") && !body.get("references").isEmpty()) {
            throw new SchemaRegistryException(422, INVALID_SCHEMA, "Schema references are not supported");
        }
        return body.path("schema").asText(null);
    }

    private static JsonNode body(HttpRequest request) {
        try {
            return JSON.readTree(request.body());
        } catch (IOException e) {
            throw new SchemaRegistryException(422, INVALID_SCHEMA, "Request body is not JSON: " + e.getMessage());
        }
    }

    private static int id(HttpRequest request) {
        try {
            return Integer.parseInt(request.pathParam("id"));
        } catch (NumberFormatException e) {
            throw new SchemaRegistryException(404, SCHEMA_NOT_FOUND, "Schema " + request.pathParam("id") + " not found");
        }
    }

    private static Map<String, Object> versionJson(RegisteredSchema version) {
        return Map.of("subject", version.subject(), "version", version.version(), "id", version.id(),
                "schema", version.schema().toString());
    }

    private static HttpError error(Exception e) {
        if (e instanceof SchemaRegistryException registry) {
            return new HttpError(registry.status(), Map.of("error_code", registry.errorCode(), "message", registry.getMessage()));
        }
        return new HttpError(500, Map.of("error_code", 50001, "message", "Error in the backend data store: " + e.getMessage()));
    }

    @Override
    public void close() {
        http.close();
    }
}
