package io.segflow.connect;

import io.debezium.data.Envelope;
import io.debezium.data.vector.DoubleVector;
import io.debezium.data.vector.FloatVector;
import io.segflow.schema.serde.DeadLetterHeaders;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The transform on change events built with Debezium's own envelope and vector schemas. */
class DebeziumToDmlTest {
    private static final Schema KEY = SchemaBuilder.struct().name("pg.public.items.Key").field("id", Schema.INT64_SCHEMA).build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("db", Schema.STRING_SCHEMA).build();
    private static final Struct SOURCE_INFO = new Struct(SOURCE).put("db", "shop");
    private static final Instant NOW = Instant.ofEpochMilli(1_700_000_000_000L);

    private final DebeziumToDml<SourceRecord> transform = new DebeziumToDml<>();

    @AfterEach
    void close() {
        transform.close();
    }

    private void configure(Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(Map.of(DebeziumToDml.COLLECTION, "items", DebeziumToDml.VECTOR_FIELD, "embedding"));
        config.putAll(extra);
        transform.configure(config);
    }

    private static Schema row(Schema vector) {
        return SchemaBuilder.struct().name("pg.public.items.Value").field("id", Schema.INT64_SCHEMA).field("embedding", vector)
                .field("title", Schema.OPTIONAL_STRING_SCHEMA).field("price", Schema.OPTIONAL_FLOAT64_SCHEMA)
                .field("blob", Schema.OPTIONAL_BYTES_SCHEMA).optional().build();
    }

    private static final Schema REAL_ARRAY = SchemaBuilder.array(Schema.OPTIONAL_FLOAT32_SCHEMA).optional().build();

    private static Envelope envelope(Schema row) {
        return Envelope.defineSchema().withName("pg.public.items.Envelope").withRecord(row).withSource(SOURCE).build();
    }

    private static Struct item(Schema row, long id, Object vector) {
        return new Struct(row).put("id", id).put("embedding", vector).put("title", "item " + id).put("price", 2.5);
    }

    private static SourceRecord record(long id, Struct value) {
        return new SourceRecord(Map.of(), Map.of(), "pg.public.items", null, KEY, new Struct(KEY).put("id", id),
                value == null ? null : value.schema(), value, NOW.toEpochMilli(), new ConnectHeaders());
    }

    @Test
    void createsReadsAndUpdatesBecomeUpsertsOfTheAfterRow() {
        configure(Map.of(DebeziumToDml.FIELDS, "title:name"));
        Schema row = row(REAL_ARRAY);
        Envelope envelope = envelope(row);
        for (Struct event : List.of(envelope.create(item(row, 7, List.of(1f, 2f)), SOURCE_INFO, NOW),
                envelope.read(item(row, 7, List.of(1f, 2f)), SOURCE_INFO, NOW),
                envelope.update(item(row, 7, List.of(9f, 9f)), item(row, 7, List.of(1f, 2f)), SOURCE_INFO, NOW))) {
            SourceRecord dml = transform.apply(record(7, event));
            assertThat(dml.topic()).isEqualTo("items.dml");
            assertThat(dml.key()).isEqualTo(7L);
            assertThat(dml.keySchema()).isEqualTo(Schema.INT64_SCHEMA);
            Struct value = (Struct) dml.value();
            assertThat(value.getString("op")).isEqualTo("UPSERT");
            assertThat(value.get("pk")).isEqualTo(7L);
            assertThat(value.getString("partition")).isEqualTo("_default");
            assertThat(value.<Float>getArray("vector")).containsExactly(1f, 2f);
            // Renamed, kept, and a bytes column no collection field can hold left out.
            assertThat(value.getString("name")).isEqualTo("item 7");
            assertThat(value.getFloat64("price")).isEqualTo(2.5);
            assertThat(value.schema().field("title")).isNull();
            assertThat(value.schema().field("blob")).isNull();
            assertThat(value.schema().field("embedding")).isNull();
        }
    }

    @Test
    void aDeleteTakesItsKeyFromBeforeOrFromTheRecordKey() {
        configure(Map.of());
        Schema row = row(REAL_ARRAY);
        Envelope envelope = envelope(row);
        SourceRecord fromBefore = transform.apply(record(7, envelope.delete(item(row, 7, List.of(1f, 2f)), SOURCE_INFO, NOW)));
        assertThat(((Struct) fromBefore.value()).getString("op")).isEqualTo("DELETE");
        assertThat(((Struct) fromBefore.value()).get("pk")).isEqualTo(7L);
        assertThat(((Struct) fromBefore.value()).get("vector")).isNull();
        assertThat(fromBefore.key()).isEqualTo(7L);

        SourceRecord fromKey = transform.apply(record(8, envelope.delete(null, SOURCE_INFO, NOW)));
        assertThat(((Struct) fromKey.value()).get("pk")).isEqualTo(8L);
        assertThat(fromKey.topic()).isEqualTo("items.dml");
    }

    @Test
    void tombstonesAreDroppedAndTruncatesFailOrAreSkipped() {
        configure(Map.of());
        assertThat(transform.apply(record(7, null))).isNull();
        Struct truncate = envelope(row(REAL_ARRAY)).truncate(SOURCE_INFO, NOW);
        assertThatThrownBy(() -> transform.apply(record(7, truncate))).isInstanceOf(DataException.class).hasMessageContaining("truncate");

        configure(Map.of(DebeziumToDml.TRUNCATE, "skip"));
        assertThat(transform.apply(record(7, truncate))).isNull();
    }

    @Test
    void aPrimaryKeyChangeBecomesADeleteOfTheOldKeyAndAnUpsertOfTheNewOne() {
        configure(Map.of());
        Schema row = row(REAL_ARRAY);
        Envelope envelope = envelope(row);
        SourceRecord deleteOld = record(7, envelope.delete(item(row, 7, List.of(1f, 2f)), SOURCE_INFO, NOW));
        deleteOld.headers().add("__debezium.newkey", new Struct(KEY).put("id", 70L), KEY);
        SourceRecord createNew = record(70, envelope.create(item(row, 70, List.of(1f, 2f)), SOURCE_INFO, NOW));
        createNew.headers().add("__debezium.oldkey", new Struct(KEY).put("id", 7L), KEY);

        SourceRecord first = transform.apply(deleteOld);
        SourceRecord second = transform.apply(createNew);
        assertThat(((Struct) first.value()).getString("op")).isEqualTo("DELETE");
        assertThat(first.key()).isEqualTo(7L);
        assertThat(first.headers().lastWithName("__debezium.newkey")).isNotNull();
        assertThat(((Struct) second.value()).getString("op")).isEqualTo("UPSERT");
        assertThat(second.key()).isEqualTo(70L);
        assertThat(second.headers().lastWithName("__debezium.oldkey")).isNotNull();
    }

    @Test
    void readsEveryVectorType() {
        configure(Map.of());
        ByteBuffer bytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1f).putFloat(2f).flip();
        Map<Schema, Object> vectors = Map.of(
                FloatVector.builder().optional().build(), List.of(1f, 2f),
                DoubleVector.builder().optional().build(), List.of(1.0, 2.0),
                Schema.OPTIONAL_BYTES_SCHEMA, bytes.array(),
                Schema.OPTIONAL_STRING_SCHEMA, "[1.0, 2.0]");
        vectors.forEach((schema, vector) -> {
            Schema row = row(schema);
            SourceRecord dml = transform.apply(record(7, envelope(row).create(item(row, 7, vector), SOURCE_INFO, NOW)));
            assertThat(((Struct) dml.value()).<Float>getArray("vector")).as(schema.toString()).containsExactly(1f, 2f);
        });
    }

    @Test
    void whatCannotBecomeDmlGoesToTheDeadLetterTopicWithItsReason() {
        configure(Map.of(DebeziumToDml.VECTOR_DIM, "2"));
        Schema row = row(REAL_ARRAY);
        Envelope envelope = envelope(row);
        Map<String, Struct> bad = Map.of(
                "MISSING_VECTOR", envelope.create(item(row, 7, null), SOURCE_INFO, NOW),
                "WRONG_VECTOR_LENGTH", envelope.create(item(row, 7, List.of(1f, 2f, 3f)), SOURCE_INFO, NOW),
                "UNSUPPORTED_VECTOR", envelope.create(item(row, 7, java.util.Arrays.asList(1f, null)), SOURCE_INFO, NOW),
                "NOT_A_CHANGE_EVENT", item(row, 7, List.of(1f, 2f)));
        bad.forEach((reason, value) -> {
            SourceRecord original = record(7, value);
            SourceRecord dead = transform.apply(original);
            assertThat(dead.topic()).as(reason).isEqualTo("items.dlq");
            assertThat(dead.headers().lastWithName(DeadLetterHeaders.REASON).value()).as(reason).isEqualTo(reason);
            assertThat(dead.headers().lastWithName(DeadLetterHeaders.TOPIC).value()).isEqualTo("pg.public.items");
            assertThat((String) dead.headers().lastWithName(DeadLetterHeaders.MESSAGE).value()).isNotBlank();
            assertThat(dead.value()).as("the original event, unchanged").isSameAs(value);
        });
    }

    @Test
    void aCompositeKeyWithoutPkFieldIsDeadLetteredAndPkFieldPicksTheColumn() {
        Schema compositeKey = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("shop", Schema.STRING_SCHEMA).build();
        Schema row = row(REAL_ARRAY);
        Struct event = envelope(row).create(item(row, 7, List.of(1f, 2f)), SOURCE_INFO, NOW);
        SourceRecord composite = new SourceRecord(Map.of(), Map.of(), "pg.public.items", null, compositeKey,
                new Struct(compositeKey).put("id", 7L).put("shop", "a"), event.schema(), event, NOW.toEpochMilli(), new ConnectHeaders());

        configure(Map.of());
        SourceRecord dead = transform.apply(composite);
        assertThat(dead.topic()).isEqualTo("items.dlq");
        assertThat(dead.headers().lastWithName(DeadLetterHeaders.REASON).value()).isEqualTo("MISSING_PK");

        configure(Map.of(DebeziumToDml.PK_FIELD, "id", DebeziumToDml.PARTITION, "shop_a"));
        SourceRecord dml = transform.apply(composite);
        assertThat(dml.key()).isEqualTo(7L);
        assertThat(((Struct) dml.value()).getString("partition")).isEqualTo("shop_a");
        assertThat(((Struct) dml.value()).schema().field("id")).as("the key column is not a scalar").isNull();
    }

    @Test
    void partitionFieldRoutesEachRow() {
        configure(Map.of(DebeziumToDml.PARTITION_FIELD, "title"));
        Schema row = row(REAL_ARRAY);
        SourceRecord dml = transform.apply(record(7, envelope(row).create(item(row, 7, List.of(1f, 2f)), SOURCE_INFO, NOW)));
        assertThat(((Struct) dml.value()).getString("partition")).isEqualTo("item 7");
        assertThat(((Struct) dml.value()).schema().field("title")).isNull();
    }
}
