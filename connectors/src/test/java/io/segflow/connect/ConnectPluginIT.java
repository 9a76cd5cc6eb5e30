package io.segflow.connect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.FieldSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.dml.DmlRecords;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.registry.RestSchemaRegistryClient;
import io.segflow.schema.serde.AvroWireSerializer;
import io.segflow.schema.serde.DeadLetterHeaders;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The plugin as an operator installs it: the directory Maven builds, on the {@code plugin.path}
 * of a Connect worker in a JVM of its own whose classpath holds no Segflow class, against
 * Segflow run from its jar (its embedded broker, S3 server and Schema Registry). One test carries
 * segment events to a file sink through the converter; the other streams a PostgreSQL table
 * through Debezium, the transform and the converters into a collection, with the worker killed
 * mid-stream, and checks the collection's read path against the table.
 */
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class ConnectPluginIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int DIM = 4;

    private static Path dir;
    private static ChildProcess segflow;
    private static String api;
    private static String kafka;
    private static String registry;

    @BeforeAll
    static void startSegflow() throws Exception {
        dir = Files.createTempDirectory("segflow-connect-it");
        int http = freePort();
        int kafkaPort = freePort();
        int registryPort = freePort();
        Path jar = Path.of(System.getProperty("segflow.jar", "../streams-app/target/segflow.jar"));
        segflow = ChildProcess.start(List.of(java(), "-Xmx768m", "-jar", jar.toString(), "run", "--set=data.dir=" + dir.resolve("segflow"),
                "--set=demo.collection=false", "--set=http.port=" + http, "--set=embedded.kafka.port=" + kafkaPort,
                "--set=embedded.kafka.controller.port=" + freePort(), "--set=embedded.s3.port=" + freePort(),
                "--set=embedded.schema.registry.port=" + registryPort, "--set=seal.check.interval.ms=100"), dir.resolve("segflow.log"));
        segflow.awaitOutput("segflow ready:", Duration.ofMinutes(2));
        api = "http://127.0.0.1:" + http;
        kafka = "127.0.0.1:" + kafkaPort;
        registry = "http://127.0.0.1:" + registryPort;
    }

    @AfterAll
    static void stopSegflow() throws Exception {
        if (segflow != null) {
            segflow.close();
        }
    }

    @Test
    void thePluginDirectoryOnPluginPathCarriesSegmentEventsToASink() throws Exception {
        createCollection("audit", 1, List.of());
        produceRows(spec("audit"), 5);
        post("/collections/audit/flush?timeoutMs=60000", Map.of());

        Path sink = dir.resolve("segments.txt");
        Map<String, String> connector = new TreeMap<>(Map.of("name", "audit-sink", "connector.class",
                "org.apache.kafka.connect.file.FileStreamSinkConnector", "topics", "audit.segments", "file", sink.toString(),
                "key.converter", "org.apache.kafka.connect.converters.LongConverter",
                "value.converter", SegflowDmlConverter.class.getName(), "value.converter.schema.registry.url", registry));
        try (ConnectWorker worker = ConnectWorker.start(dir.resolve("worker-sink"), kafka, connector)) {
            JsonNode plugins = worker.get("/connector-plugins?connectorsOnly=false");
            Map<String, String> types = new HashMap<>();
            Map<String, String> versions = new HashMap<>();
            plugins.forEach(p -> {
                types.put(p.path("class").asText(), p.path("type").asText());
                versions.put(p.path("class").asText(), p.path("version").asText());
            });
            assertThat(versions.get(DebeziumToDml.class.getName())).as("the plugin's own version, from its manifest")
                    .isEqualTo(System.getProperty("segflow.version"));
            assertThat(types).containsEntry(DebeziumToDml.class.getName(), "transformation")
                    .containsEntry(SegflowDmlConverter.class.getName(), "converter")
                    .containsEntry(SegflowKeyConverter.class.getName(), "converter");
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.exists(sink) && Files.readString(sink).contains("state=FLUSHED"));
        }
        String lines = Files.readString(sink);
        assertThat(lines).contains("collection=audit").contains("rows=5");
    }

    @Test
    void aPostgresTableStreamsIntoTheCollectionThroughDebeziumAcrossAWorkerCrash() throws Exception {
        Path bin = Postgres.binaries().orElse(null);
        Assumptions.assumeTrue(bin != null, "PostgreSQL 15 is not installed (Debian's postgresql package, which .ci/run installs):"
                + " the Debezium end-to-end test is skipped");
        createCollection("items", 2, List.of(Map.of("name", "title", "type", "VARCHAR"), Map.of("name", "stock", "type", "INT32")));
        try (Postgres postgres = Postgres.start(bin, freePort()); Connection db = postgres.connect()) {
            Table table = new Table(db);
            table.create();
            for (long id = 1; id <= 40; id++) {
                table.insert(id);
            }
            Map<String, String> connector = debezium(postgres.port());
            Path workerDir = dir.resolve("worker-pg");
            try (ConnectWorker worker = ConnectWorker.start(workerDir, kafka, connector)) {
                awaitCollectionEquals(table);
                for (long id = 41; id <= 60; id++) {
                    table.insert(id);
                }
                for (long id = 1; id <= 5; id++) {
                    table.updateVector(id);
                }
                for (long id = 11; id <= 15; id++) {
                    table.delete(id);
                }
                table.changeKey(10, 1010);
                table.insertRaw(5000, null);
                table.insertRaw(5001, new Float[] {1f, 2f, 3f});
                await().atMost(Duration.ofMinutes(2)).until(() -> count() >= 55);
                worker.kill();
            }
            for (long id = 61; id <= 80; id++) {
                table.insert(id);
            }
            table.delete(20);
            table.updateVector(21);
            try (ConnectWorker restarted = ConnectWorker.start(workerDir, kafka, connector)) {
                awaitCollectionEquals(table);
                assertThat(get(10)).as("the old key of the changed row").isNull();
                assertThat(get(1010)).isNotNull();
                assertThat(deadLetterReasons("items")).containsEntry(5000L, "MISSING_VECTOR").containsEntry(5001L, "WRONG_VECTOR_LENGTH");
            }
        }
    }

    private static Map<String, String> debezium(int port) {
        Map<String, String> connector = new TreeMap<>();
        connector.putAll(Map.of("name", "pg-items", "connector.class", "io.debezium.connector.postgresql.PostgresConnector",
                "database.hostname", "127.0.0.1", "database.port", String.valueOf(port), "database.user", "postgres",
                "database.password", "", "database.dbname", "postgres", "topic.prefix", "pg", "table.include.list", "public.items",
                "plugin.name", "pgoutput"));
        connector.putAll(Map.of("slot.name", "segflow_it", "publication.autocreate.mode", "filtered", "tasks.max", "1",
                "transforms", "dml", "transforms.dml.type", DebeziumToDml.class.getName(), "transforms.dml.collection", "items",
                "transforms.dml.vector.field", "embedding", "transforms.dml.vector.dim", String.valueOf(DIM)));
        connector.putAll(Map.of("key.converter", SegflowKeyConverter.class.getName(), "value.converter", SegflowDmlConverter.class.getName(),
                "value.converter.schema.registry.url", registry));
        return connector;
    }

    /** Waits until the collection's count equals the table's and every row of the table reads back as it is there. */
    private static void awaitCollectionEquals(Table table) {
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Map<Long, Table.Row> rows = table.rows();
            assertThat(count()).isEqualTo(rows.size());
            for (Table.Row row : rows.values()) {
                JsonNode read = get(row.id());
                assertThat(read).as("key " + row.id()).isNotNull();
                assertThat(read.path("rows")).as("key " + row.id() + " once").hasSize(1);
                JsonNode stored = read.path("rows").get(0);
                List<Float> vector = new ArrayList<>();
                stored.path("vector").forEach(v -> vector.add(v.floatValue()));
                assertThat(vector).as("vector of " + row.id()).containsExactly(row.vector());
                assertThat(stored.path("fields").path("title").asText()).isEqualTo(row.title());
                assertThat(stored.path("fields").path("stock").asInt()).isEqualTo(row.stock());
            }
        });
    }

    /** The rows of a PostgreSQL table with an id, a real[] vector and two scalars; changes are made through it. */
    private static final class Table {
        record Row(long id, Float[] vector, String title, int stock) {
        }

        private final Connection db;
        private int version;

        Table(Connection db) {
            this.db = db;
        }

        void create() throws Exception {
            try (Statement statement = db.createStatement()) {
                statement.execute("CREATE TABLE items (id bigint PRIMARY KEY, embedding real[], title text, stock integer)");
                statement.execute("ALTER TABLE items REPLICA IDENTITY FULL");
            }
        }

        void insert(long id) throws Exception {
            insertRaw(id, vector(id));
        }

        void insertRaw(long id, Float[] vector) throws Exception {
            try (PreparedStatement insert = db.prepareStatement("INSERT INTO items VALUES (?, ?, ?, ?)")) {
                insert.setLong(1, id);
                insert.setArray(2, vector == null ? null : db.createArrayOf("real", vector));
                insert.setString(3, "item " + id);
                insert.setInt(4, (int) (id % 7));
                insert.executeUpdate();
            }
        }

        void updateVector(long id) throws Exception {
            version++;
            try (PreparedStatement update = db.prepareStatement("UPDATE items SET embedding = ?, stock = ? WHERE id = ?")) {
                update.setArray(1, db.createArrayOf("real", vector(id + 1000L * version)));
                update.setInt(2, 100 + version);
                update.setLong(3, id);
                update.executeUpdate();
            }
        }

        void delete(long id) throws Exception {
            try (PreparedStatement delete = db.prepareStatement("DELETE FROM items WHERE id = ?")) {
                delete.setLong(1, id);
                delete.executeUpdate();
            }
        }

        void changeKey(long from, long to) throws Exception {
            try (PreparedStatement update = db.prepareStatement("UPDATE items SET id = ? WHERE id = ?")) {
                update.setLong(1, to);
                update.setLong(2, from);
                update.executeUpdate();
            }
        }

        /** The rows a collection should hold: those with a vector of the collection's dimension. */
        Map<Long, Row> rows() throws Exception {
            Map<Long, Row> rows = new TreeMap<>();
            try (Statement statement = db.createStatement();
                 ResultSet result = statement.executeQuery("SELECT id, embedding, title, stock FROM items")) {
                while (result.next()) {
                    Array array = result.getArray(2);
                    Float[] vector = array == null ? null : (Float[]) array.getArray();
                    if (vector != null && vector.length == DIM) {
                        rows.put(result.getLong(1), new Row(result.getLong(1), vector, result.getString(3), result.getInt(4)));
                    }
                }
            }
            return rows;
        }

        private static Float[] vector(long seed) {
            Float[] vector = new Float[DIM];
            for (int i = 0; i < DIM; i++) {
                vector[i] = (float) (seed * 0.25 + i);
            }
            return vector;
        }
    }

    /** The reason of each dead letter of {@code collection}, by its key. */
    private static Map<Long, String> deadLetterReasons(String collection) {
        Map<Long, String> reasons = new HashMap<>();
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(collection + ".dlq").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() != null && record.headers().lastHeader(DeadLetterHeaders.REASON) != null) {
                        reasons.put((Long) PrimaryKeys.decode(PkType.INT64, record.key()),
                                new String(record.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        return reasons;
    }

    private static void createCollection(String name, int channels, List<Map<String, String>> fields) throws Exception {
        post("/collections", Map.of("name", name, "dim", DIM, "pkType", "INT64", "channels", channels, "fields", fields));
    }

    private static CollectionSpec spec(String name) throws Exception {
        JsonNode view = send(HttpRequest.newBuilder(URI.create(api + "/collections/" + name)).GET());
        return CollectionSpec.newBuilder().setName(name).setPkType(PkType.INT64).setDim(view.path("dim").asInt())
                .setChannels(view.path("channels").asInt()).setFields(new ArrayList<FieldSpec>()).setCreatedAtMs(0).build();
    }

    /** Inserts keys 1 to {@code rows} the way any producer does. */
    private static void produceRows(CollectionSpec spec, int rows) {
        DmlRecords records = new DmlRecords(spec);
        AvroWireSerializer<GenericRecord> values = new AvroWireSerializer<>(new RestSchemaRegistryClient(registry), false);
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (long pk = 1; pk <= rows; pk++) {
                String topic = spec.getName() + ".dml";
                producer.send(new ProducerRecord<>(topic, PrimaryKeys.encode(pk),
                        values.serialize(topic, records.insert(pk, "_default", new float[] {1, 2, 3, 4}, Map.of()))));
            }
        }
    }

    private static long count() throws Exception {
        return send(HttpRequest.newBuilder(URI.create(api + "/collections/items/count")).GET()).path("count").asLong();
    }

    /** The read path's answer for key {@code pk}, or null when it has no live row. */
    private static JsonNode get(long pk) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(api + "/collections/items/rows/" + pk)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 404 ? null : JSON.readTree(response.body());
    }

    private static void post(String path, Object body) throws Exception {
        send(HttpRequest.newBuilder(URI.create(api + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    private static JsonNode send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IllegalStateException(request.build().uri() + ": " + response.statusCode() + " " + response.body());
        }
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Ports handed out by this JVM: the system may give a port it just released to the next ServerSocket(0) again. */
    private static final Set<Integer> GIVEN = ConcurrentHashMap.newKeySet();

    /** A free port no earlier call returned (two servers told the same port: "Address already in use"). */
    static int freePort() throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0)) {
                if (GIVEN.add(socket.getLocalPort())) {
                    return socket.getLocalPort();
                }
            }
        }
    }
}
