package io.segflow.connect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.FieldSpec;
import io.segflow.schema.InMemorySchemaRegistry;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.dml.Vectors;
import io.segflow.schema.serde.AvroWireDeserializer;
import io.segflow.schema.serde.AvroWireSerializer;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The converters against the Avro schemas Segflow registers, on a registry held in memory. */
class SegflowConvertersTest {
    private static final CollectionSpec SPEC = CollectionSpec.newBuilder().setName("items").setPkType(PkType.INT64).setDim(2)
            .setChannels(4).setFields(new ArrayList<>(List.of(new FieldSpec("name", ScalarType.VARCHAR),
                    new FieldSpec("stock", ScalarType.INT32)))).setCreatedAtMs(0).build();
    private static final Schema DML = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).field("pk", Schema.INT64_SCHEMA)
            .field("partition", Schema.STRING_SCHEMA).field("vector", SchemaBuilder.array(Schema.FLOAT32_SCHEMA).optional().build())
            .field("name", Schema.OPTIONAL_STRING_SCHEMA).field("stock", Schema.OPTIONAL_INT16_SCHEMA)
            .field("colour", Schema.OPTIONAL_STRING_SCHEMA).build();

    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final AtomicLong nanos = new AtomicLong();
    private final SegflowDmlConverter converter = new SegflowDmlConverter(registry, nanos::get);
    private final int dmlId = registry.register(DmlSchemas.subject("items"), DmlSchemas.forCollection(SPEC));

    SegflowConvertersTest() {
        converter.configure(Map.of(SegflowDmlConverter.SCHEMA_REGISTRY_URL, "http://unused"), false);
    }

    private static Struct upsert(long pk) {
        return new Struct(DML).put("op", "UPSERT").put("pk", pk).put("partition", "_default").put("vector", List.of(1f, 2f))
                .put("name", "a").put("stock", (short) 3).put("colour", "red");
    }

    @Test
    void writesTheCollectionsDmlInTheWireFormatUnderItsLatestSchema() {
        byte[] bytes = converter.fromConnectData("items.dml", DML, upsert(7));

        assertThat(bytes[0]).isZero();
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(dmlId);
        GenericRecord record = AvroWireDeserializer.generic(registry, DmlSchemas.forCollection(SPEC)).deserialize("items.dml", bytes);
        assertThat(record.get("op").toString()).isEqualTo("UPSERT");
        assertThat(record.get("pk")).isEqualTo(7L);
        assertThat(Vectors.toFloats((ByteBuffer) record.get("vector"))).containsExactly(1f, 2f);
        assertThat(record.get("name").toString()).isEqualTo("a");
        assertThat(record.get("stock")).as("int16 widened to the collection's INT32").isEqualTo(3);
        assertThat(record.getSchema().getField("colour")).as("a column the collection lacks is left out").isNull();
    }

    @Test
    void readsTheSameRecordBackAsConnectData() {
        SchemaAndValue read = converter.toConnectData("items.dml", converter.fromConnectData("items.dml", DML, upsert(7)));
        Struct value = (Struct) read.value();
        assertThat(value.getString("op")).isEqualTo("UPSERT");
        assertThat(value.getInt64("pk")).isEqualTo(7L);
        assertThat(Vectors.toFloats(ByteBuffer.wrap(value.getBytes("vector")))).containsExactly(1f, 2f);
        assertThat(value.getString("name")).isEqualTo("a");
        assertThat(value.getInt32("stock")).isEqualTo(3);
        assertThat(read.schema().field("vector").schema().isOptional()).isTrue();
    }

    @Test
    void readsSegmentEventsAsConnectData() {
        SegmentInfo segment = SegmentInfo.newBuilder().setId(42).setCollection("items").setChannel(1).setPartition("_default")
                .setLevel(SegmentLevel.L1).setState(SegmentState.FLUSHED).setRows(10).setBytes(100).setMinPosition(0).setMaxPosition(9)
                .setMinPk(3L).setMaxPk(9L).setCreatedAtMs(1).setLastWriteMs(2).setSchemaVersion(1)
                .setInsertLogPaths(List.of("items/1/42/insert_log/0")).build();
        byte[] bytes = new AvroWireSerializer<SegmentInfo>(registry, true).serialize("items.segments", segment);

        Struct value = (Struct) converter.toConnectData("items.segments", bytes).value();
        assertThat(value.getInt64("id")).isEqualTo(42L);
        assertThat(value.getString("state")).isEqualTo("FLUSHED");
        assertThat(value.getArray("insertLogPaths")).containsExactly("items/1/42/insert_log/0");
        Object minPk = value.get("minPk");
        Object pk = minPk instanceof Struct union ? union.get("long") : minPk;
        assertThat(pk).isEqualTo(3L);
    }

    @Test
    void deadLettersAreWrittenAsJson() {
        byte[] bytes = converter.fromConnectData("items.dlq", DML, upsert(7));
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"op\":\"UPSERT\"").contains("\"colour\":\"red\"");
    }

    @Test
    void aNewVersionOfTheSchemaIsTakenOnceTheRefreshIntervalHasPassed() {
        converter.fromConnectData("items.dml", DML, upsert(7));
        CollectionSpec v2 = CollectionSpec.newBuilder(SPEC).setSchemaVersion(2).setFields(new ArrayList<>(List.of(
                new FieldSpec("name", ScalarType.VARCHAR), new FieldSpec("stock", ScalarType.INT32),
                new FieldSpec("colour", ScalarType.VARCHAR)))).build();
        int v2Id = registry.register(DmlSchemas.subject("items"), DmlSchemas.forCollection(v2));

        assertThat(ByteBuffer.wrap(converter.fromConnectData("items.dml", DML, upsert(7)), 1, 4).getInt()).isEqualTo(dmlId);
        nanos.addAndGet(30_000_000_000L);
        byte[] bytes = converter.fromConnectData("items.dml", DML, upsert(7));
        assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(v2Id);
        assertThat(((Struct) converter.toConnectData("items.dml", bytes).value()).getString("colour")).isEqualTo("red");
    }

    @Test
    void refusesWhatTheCollectionsTypesCannotHold() {
        Schema wrong = SchemaBuilder.struct().field("op", Schema.STRING_SCHEMA).field("pk", Schema.INT64_SCHEMA)
                .field("stock", Schema.OPTIONAL_STRING_SCHEMA).build();
        assertThatThrownBy(() -> converter.fromConnectData("items.dml", wrong, new Struct(wrong).put("op", "DELETE").put("pk", 1L)
                .put("stock", "many"))).isInstanceOf(DataException.class).hasMessageContaining("stock");
        Schema noOp = SchemaBuilder.struct().field("pk", Schema.INT64_SCHEMA).build();
        assertThatThrownBy(() -> converter.fromConnectData("items.dml", noOp, new Struct(noOp).put("pk", 1L)))
                .isInstanceOf(DataException.class).hasMessageContaining("op");
        assertThatThrownBy(() -> converter.toConnectData("items.dml", new byte[] {1, 2})).isInstanceOf(DataException.class);
    }

    @Test
    void theRegistryIsAskedWithTheBasicAuthCredentialsAsConfluentsConverterTakesThem() throws Exception {
        List<String> authorizations = new CopyOnWriteArrayList<>();
        String answer = latestAnswer("items.dml-value", dmlId, DmlSchemas.forCollection(SPEC));
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            byte[] body = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort();
            Map<Map<String, String>, String> expected = Map.of(
                    Map.of(SegflowDmlConverter.SCHEMA_REGISTRY_URL, url, SegflowDmlConverter.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
                            SegflowDmlConverter.BASIC_AUTH_USER_INFO, "cdc:secret"), "cdc:secret",
                    Map.of(SegflowDmlConverter.SCHEMA_REGISTRY_URL, url.replace("http://", "http://ops:pw@")), "ops:pw");
            for (Map.Entry<Map<String, String>, String> settings : expected.entrySet()) {
                authorizations.clear();
                SegflowDmlConverter configured = new SegflowDmlConverter();
                configured.configure(settings.getKey(), false);
                configured.fromConnectData("items.dml", DML, upsert(7));
                assertThat(authorizations).containsExactly("Basic " + Base64.getEncoder().encodeToString(
                        settings.getValue().getBytes(StandardCharsets.UTF_8)));
            }
        } finally {
            server.stop(0);
        }
    }

    /** The Schema Registry's answer to {@code GET /subjects/S/versions/latest}. */
    private static String latestAnswer(String subject, int id, org.apache.avro.Schema schema) throws Exception {
        return new ObjectMapper().writeValueAsString(Map.of("subject", subject, "version", 1, "id", id, "schema", schema.toString()));
    }

    @Test
    void keysArePlainSoThatConnectsPartitionerPicksTheChannelSegflowExpects() {
        SegflowKeyConverter keys = new SegflowKeyConverter();
        keys.configure(Map.of(), true);
        Schema debeziumKey = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).build();
        byte[] fromStruct = keys.fromConnectData("items.dml", debeziumKey, new Struct(debeziumKey).put("id", 7L));
        assertThat(fromStruct).isEqualTo(PrimaryKeys.encode(7L));
        assertThat(keys.fromConnectData("items.dml", Schema.INT32_SCHEMA, 7)).isEqualTo(PrimaryKeys.encode(7L));
        assertThat(keys.toConnectData("items.dml", fromStruct).value()).isEqualTo(7L);

        SegflowKeyConverter strings = new SegflowKeyConverter();
        strings.configure(Map.of(SegflowKeyConverter.PK_TYPE, "VARCHAR"), true);
        assertThat(strings.fromConnectData("items.dml", Schema.STRING_SCHEMA, "sku-1")).isEqualTo(PrimaryKeys.encode("sku-1"));
        assertThat(strings.toConnectData("items.dml", PrimaryKeys.encode("sku-1")).value()).isEqualTo("sku-1");
        assertThatThrownBy(() -> keys.fromConnectData("items.dml", Schema.FLOAT64_SCHEMA, 1.5)).isInstanceOf(DataException.class);
    }
}
