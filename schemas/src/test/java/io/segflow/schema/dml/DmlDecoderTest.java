package io.segflow.schema.dml;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.schema.InMemorySchemaRegistry;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.TestCollections;
import io.segflow.schema.serde.AvroWireSerializer;
import io.segflow.schema.serde.BadInputException;
import io.segflow.schema.serde.BadInputReason;
import io.segflow.schema.serde.RecordSource;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.segflow.schema.TestCollections.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DmlDecoderTest {
    private static final RecordSource SOURCE = new RecordSource("items.dml", 1, 1234);
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final CollectionSpec spec = registered(TestCollections.spec("items", PkType.INT64, 2, field("price", ScalarType.DOUBLE)));
    private final DmlRecords rows = new DmlRecords(spec);
    private final DmlDecoder decoder = new DmlDecoder(spec, registry);

    /** The spec with its DML schema registered, as the catalog keeps it: its records take the in-place path. */
    private CollectionSpec registered(CollectionSpec collection) {
        collection.setDmlSchemaId(registry.register(DmlSchemas.subject(collection.getName()), DmlSchemas.forCollection(collection)));
        return collection;
    }
    private final AvroWireSerializer<GenericRecord> serializer = new AvroWireSerializer<>(registry, true);

    @Test
    void insertsCarryPkPartitionVectorAndScalars() {
        DmlEvent event = decode(PrimaryKeys.encode(5L), rows.insert(5L, "hot", new float[] {1f, 2f}, Map.of("price", 3.0)));

        assertThat(event.op()).isEqualTo(DmlOp.INSERT);
        assertThat(event.pk()).isEqualTo(5L);
        assertThat(event.partition()).isEqualTo("hot");
        assertThat(event.vectorValues()).containsExactly(1f, 2f);
        assertThat(event.scalar("price")).isEqualTo(3.0);
        assertThat(event.source()).isEqualTo(SOURCE);
    }

    @Test
    void aRecordInTheChannelItsKeyHashesToIsAccepted() {
        for (long pk = 0; pk < 100; pk++) {
            byte[] key = PrimaryKeys.encode(pk);
            int channel = PrimaryKeys.channel(key, spec.getChannels());
            RecordSource source = new RecordSource("items.dml", channel, pk);

            assertThat(decoder.decodeInChannel(source, key, wire(rows.delete(pk, "_default"))).pk()).isEqualTo(pk);
        }
    }

    @Test
    void aRecordInAnotherChannelIsWrongChannelAndNamesTheRightOne() {
        byte[] key = PrimaryKeys.encode(7L);
        // Kafka's own partitioner is the reference: murmur2 of the plain key, made positive, modulo the channels.
        int expected = Utils.toPositive(Utils.murmur2(key)) % spec.getChannels();
        RecordSource elsewhere = new RecordSource("items.dml", (expected + 1) % spec.getChannels(), 9);

        assertThatThrownBy(() -> decoder.decodeInChannel(elsewhere, key, wire(rows.insert(7L, "hot", new float[] {1f, 2f}, Map.of()))))
                .isInstanceOfSatisfying(WrongChannelException.class, e -> {
                    assertThat(e.reason()).isEqualTo(BadInputReason.WRONG_CHANNEL);
                    assertThat(e.expectedChannel()).isEqualTo(expected);
                    assertThat(e.source()).isEqualTo(elsewhere);
                    assertThat(e.getMessage()).contains("channel " + expected).contains("murmur2_random");
                });
    }

    @Test
    void anotherReasonComesBeforeTheChannel() {
        byte[] key = PrimaryKeys.encode(7L);
        RecordSource elsewhere = new RecordSource("items.dml", (PrimaryKeys.channel(key, spec.getChannels()) + 1) % spec.getChannels(), 9);

        assertThatThrownBy(() -> decoder.decodeInChannel(elsewhere, key, wire(rows.insert(7L, "nowhere", new float[] {1f, 2f}, Map.of()))))
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.reason()).isEqualTo(BadInputReason.UNKNOWN_PARTITION));
    }

    @Test
    void deletesNeedNoVector() {
        DmlEvent event = decode(PrimaryKeys.encode(5L), rows.delete(5L, "_default"));

        assertThat(event.op()).isEqualTo(DmlOp.DELETE);
        assertThat(event.vector()).isNull();
    }

    @Test
    void stringPrimaryKeysComeBackAsStrings() {
        CollectionSpec named = registered(TestCollections.spec("named", PkType.VARCHAR, 2));
        byte[] value = serializer.serialize("named.dml", new DmlRecords(named).upsert("k1", "_default", new float[] {0f, 1f}, Map.of()));

        DmlEvent event = new DmlDecoder(named, registry).decode(SOURCE, PrimaryKeys.encode("k1"), value);

        assertThat(event.pk()).isEqualTo("k1");
        assertThat(event.op()).isEqualTo(DmlOp.UPSERT);
    }

    @Test
    void aDeleteWithoutKeyIsMissingItsPk() {
        assertRefused(null, rows.delete(5L, "_default"), BadInputReason.MISSING_PK, "no record key");
    }

    @Test
    void anEmptyStringPkIsMissing() {
        CollectionSpec named = registered(TestCollections.spec("named", PkType.VARCHAR, 2));
        byte[] value = serializer.serialize("named.dml", new DmlRecords(named).delete("", "_default"));

        assertThatThrownBy(() -> new DmlDecoder(named, registry).decode(SOURCE, new byte[0], value))
                .isInstanceOfSatisfying(InvalidDmlException.class, e -> assertThat(e.reason()).isEqualTo(BadInputReason.MISSING_PK))
                .hasMessageContaining("empty primary key");
    }

    @Test
    void aWriterSchemaWithoutPkIsMissingItsPk() {
        Schema noPk = SchemaBuilder.record("items").namespace(DmlSchemas.NAMESPACE).fields()
                .name("op").type(DmlSchemas.forCollection(spec).getField("op").schema()).noDefault()
                .requiredString("partition").endRecord();
        GenericRecord record = new GenericData.Record(noPk);
        record.put("op", new GenericData.EnumSymbol(noPk.getField("op").schema(), "DELETE"));
        record.put("partition", "_default");

        assertRefused(PrimaryKeys.encode(5L), record, BadInputReason.MISSING_PK, "has no field pk");
    }

    @Test
    void aKeyThatIsNotThePkIsAMismatch() {
        assertRefused(PrimaryKeys.encode(6L), rows.delete(5L, "_default"), BadInputReason.KEY_MISMATCH, "primary key 5");
    }

    @Test
    void aPartitionTheCollectionLacksIsUnknown() {
        assertRefused(PrimaryKeys.encode(5L), rows.delete(5L, "cold"), BadInputReason.UNKNOWN_PARTITION, "no partition 'cold'");
    }

    @Test
    void anInsertWithoutVectorIsRefused() {
        assertRefused(PrimaryKeys.encode(5L), rows.insert(5L, "_default", null, Map.of()), BadInputReason.MISSING_VECTOR, "no vector");
    }

    @Test
    void aVectorOfAnotherLengthIsRefused() {
        assertRefused(PrimaryKeys.encode(5L), rows.upsert(5L, "_default", new float[] {1f, 2f, 3f}, Map.of()),
                BadInputReason.WRONG_VECTOR_LENGTH, "12 bytes; dim 2 takes 8");
    }

    @Test
    void aTombstoneIsNotWireFormat() {
        assertThatThrownBy(() -> decoder.decode(SOURCE, PrimaryKeys.encode(5L), null))
                .isInstanceOfSatisfying(BadInputException.class, e -> assertThat(e.reason()).isEqualTo(BadInputReason.NOT_WIRE_FORMAT));
    }

    private DmlEvent decode(byte[] key, GenericRecord value) {
        return decoder.decode(SOURCE, key, wire(value));
    }

    private byte[] wire(GenericRecord value) {
        return serializer.serialize("items.dml", value);
    }

    private void assertRefused(byte[] key, GenericRecord value, BadInputReason reason, String detail) {
        assertThatThrownBy(() -> decode(key, value))
                .isInstanceOfSatisfying(BadInputException.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.source()).isEqualTo(SOURCE);
                })
                .hasMessageContaining(detail)
                .hasMessageContaining("topic items.dml partition 1 offset 1234");
    }
}
