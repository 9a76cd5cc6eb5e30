package io.segflow.schema.registry;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Client of the Confluent Schema Registry REST API, for Avro schemas. Ids are immutable, so
 * schemas by id and ids by (subject, schema) are cached for the life of the client.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String baseUrl;
    /** The {@code Authorization} header's value, or null. */
    private final String authorization;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
    private final Map<String, Map<Schema, Integer>> idsBySubject = new ConcurrentHashMap<>();

    public RestSchemaRegistryClient(String baseUrl) {
        this(baseUrl, null);
    }

    /**
     * A client that authenticates with HTTP basic auth as {@code userInfo} ({@code user:password});
     * null sends no credentials.
     */
    public RestSchemaRegistryClient(String baseUrl, String userInfo) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.authorization = userInfo == null ? null
                : "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(TIMEOUT).build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public int register(String subject, Schema schema) {
        Map<Schema, Integer> ids = idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>());
        Integer cached = ids.get(schema);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = send("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema));
        int id = answer.get("id").asInt();
        ids.put(schema, id);
        schemasById.put(id, schema);
        return id;
    }

    @Override
    public Optional<RegisteredSchema> lookup(String subject, Schema schema) {
        try {
            RegisteredSchema found = toRegistered(send("POST", "/subjects/" + encode(subject), schemaBody(schema)));
            idsBySubject.computeIfAbsent(subject, s -> new ConcurrentHashMap<>()).put(schema, found.id());
            return Optional.of(found);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public Schema schemaById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        Schema schema = parse(send("GET", "/schemas/ids/" + id, null).get("schema").asText());
        schemasById.put(id, schema);
        return schema;
    }

    @Override
    public RegisteredSchema latest(String subject) {
        return toRegistered(send("GET", "/subjects/" + encode(subject) + "/versions/latest", null));
    }

    public RegisteredSchema version(String subject, int version) {
        return toRegistered(send("GET", "/subjects/" + encode(subject) + "/versions/" + version, null));
    }

    public List<String> subjects() {
        return json.convertValue(send("GET", "/subjects", null), new TypeReference<>() { });
    }

    public List<Integer> versions(String subject) {
        return json.convertValue(send("GET", "/subjects/" + encode(subject) + "/versions", null), new TypeReference<>() { });
    }

    /** Whether {@code schema} may be registered as the next version of {@code subject}. */
    public boolean isCompatible(String subject, Schema schema) {
        return send("POST", "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema))
                .get("is_compatible").asBoolean();
    }

    /** The level in force for {@code subject}: its own, or the global default. */
    public CompatibilityLevel compatibility(String subject) {
        JsonNode answer = send("GET", "/config/" + encode(subject) + "?defaultToGlobal=true", null);
        return CompatibilityLevel.valueOf(answer.get("compatibilityLevel").asText());
    }

    public void setCompatibility(String subject, CompatibilityLevel level) {
        send("PUT", "/config/" + encode(subject), json.createObjectNode().put("compatibility", level.name()));
    }

    private static Schema parse(String text) {
        return new Schema.Parser().parse(text);
    }

    private ObjectNode schemaBody(Schema schema) {
        return json.createObjectNode().put("schema", schema.toString());
    }

    private RegisteredSchema toRegistered(JsonNode node) {
        return new RegisteredSchema(node.get("subject").asText(), node.get("version").asInt(), node.get("id").asInt(),
                parse(node.get("schema").asText()));
    }

    private JsonNode send(String method, String path, JsonNode body) {
        String url = baseUrl + path;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT)
                .header("Accept", CONTENT_TYPE + ", application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            if (body == null) {
                request.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                request.header("Content-Type", CONTENT_TYPE)
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            }
            HttpResponse<byte[]> response;
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException e) {
                if (e instanceof HttpTimeoutException) {
                    throw e;
                }
                // A pooled connection the server closed as it was reused fails before any answer. Every call of
                // this API is idempotent (a schema registers under the same id twice), so one retry is safe.
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            }
            JsonNode answer = response.body().length == 0 ? json.nullNode() : json.readTree(response.body());
            if (response.statusCode() / 100 != 2) {
                throw new SchemaRegistryException(response.statusCode(),
                        answer.path("error_code").asInt(response.statusCode()),
                        method + " " + url + ": " + answer.path("message").asText("HTTP " + response.statusCode()));
            }
            return answer;
        } catch (IOException e) {
            throw new SchemaRegistryException("cannot reach the Schema Registry at " + url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while calling " + url, e);
        }
    }

    private static String encode(String subject) {
        return URLEncoder.encode(subject, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
