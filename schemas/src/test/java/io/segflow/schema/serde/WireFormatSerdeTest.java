package io.segflow.schema.serde;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.CompactionResult;
import io.segflow.schema.CompactionStatus;
import io.segflow.schema.CompactionTask;
import io.segflow.schema.CompactionType;
import io.segflow.schema.InMemorySchemaRegistry;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import io.segflow.schema.TestCollections;
import io.segflow.schema.dml.DmlRecords;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.segflow.schema.TestCollections.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class WireFormatSerdeTest {
    private static final String TOPIC = "items.dml";
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    @Test
    void bytesAreMagicZeroThenBigEndianSchemaIdThenTheAvroBody() throws IOException {
        Schema other = SchemaBuilder.record("other").fields().requiredInt("x").endRecord();
        registry.register("unrelated-value", other);
        GenericRecord record = new GenericData.Record(SchemaBuilder.record("r").fields().requiredLong("a").endRecord());
        record.put("a", 300L);

        byte[] bytes = new AvroWireSerializer<GenericRecord>(registry, true).serialize("t", record);

        assertThat(Arrays.copyOfRange(bytes, 0, 5)).containsExactly(0, 0, 0, 0, 2);
        assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).containsExactly(avroBinary(record));
        assertThat(registry.lookup("t-value", record.getSchema())).get().extracting(r -> r.id()).isEqualTo(2);
    }

    @Test
    void everyTopicValueTypeRoundTrips() {
        SegmentInfo segment = SegmentInfo.newBuilder().setId(42).setCollection("items").setChannel(3).setPartition("_default")
                .setLevel(SegmentLevel.L1).setState(SegmentState.FLUSHED).setRows(1000).setMinPosition(5).setMaxPosition(1200)
                .setMinPk(7L).setMaxPk(9_000L).setCreatedAtMs(1).setLastWriteMs(2).setInsertLogPaths(List.of("items/3/42/insert"))
                .setCompactedFrom(List.of(40L, 41L)).setLastLevel(SegmentLevel.L0).setSealReason("capacity").build();
        CollectionSpec spec = TestCollections.spec("items", PkType.VARCHAR, 16, field("price", ScalarType.DOUBLE));
        CompactionTask task = CompactionTask.newBuilder().setTaskId("t1").setTriggerId("g1").setCollection("items").setChannel(3)
                .setType(CompactionType.MIX).setInputs(List.of(40L, 41L)).setTargetLevel(SegmentLevel.L1).setPriority(1)
                .setReason("small segments").setCreatedAtMs(3).build();
        CompactionResult result = CompactionResult.newBuilder().setTaskId("t1").setTriggerId("g1").setCollection("items")
                .setChannel(3).setType(CompactionType.MIX).setStatus(CompactionStatus.COMPLETED).setInputs(List.of(40L, 41L))
                .setOutputs(List.of(segment)).setCompletedAtMs(4).build();

        assertThat(roundTrip(SegmentInfo.class, segment)).isEqualTo(segment);
        assertThat(roundTrip(CollectionSpec.class, spec)).isEqualTo(spec);
        assertThat(roundTrip(CompactionTask.class, task)).isEqualTo(task);
        assertThat(roundTrip(CompactionResult.class, result)).isEqualTo(result);
    }

    @Test
    void dmlRecordsRoundTripWithVectorBytesIntact() {
        DmlRecords rows = new DmlRecords(TestCollections.spec("items", PkType.INT64, 3, field("price", ScalarType.DOUBLE)));
        GenericRecord insert = rows.insert(11L, "hot", new float[] {1f, 2f, 3f}, Map.of("price", 9.5));
        Serde<GenericRecord> serde = AvroSerdes.generic(registry, rows.schema());

        GenericRecord read = serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, insert));

        assertThat(read).isEqualTo(insert);
        assertThat(((ByteBuffer) read.get("vector")).remaining()).isEqualTo(12);
    }

    @Test
    void recordsWrittenWithV1ReadAsV2AndV2RecordsReadAsV1() {
        CollectionSpec v1 = TestCollections.spec("items", PkType.INT64, 2, field("price", ScalarType.DOUBLE));
        CollectionSpec v2 = CollectionSpec.newBuilder(v1).setFields(List.of(field("price", ScalarType.DOUBLE),
                field("color", ScalarType.VARCHAR))).build();
        DmlRecords rowsV1 = new DmlRecords(v1);
        DmlRecords rowsV2 = new DmlRecords(v2);
        byte[] writtenV1 = new AvroWireSerializer<GenericRecord>(registry, true)
                .serialize(TOPIC, rowsV1.insert(1L, "_default", new float[] {1f, 2f}, Map.of("price", 1.5)));
        byte[] writtenV2 = new AvroWireSerializer<GenericRecord>(registry, true)
                .serialize(TOPIC, rowsV2.insert(2L, "_default", new float[] {3f, 4f}, Map.of("price", 2.5, "color", "red")));

        GenericRecord v1AsV2 = AvroWireDeserializer.generic(registry, rowsV2.schema()).deserialize(TOPIC, writtenV1);
        GenericRecord v2AsV1 = AvroWireDeserializer.generic(registry, rowsV1.schema()).deserialize(TOPIC, writtenV2);

        assertThat(v1AsV2.getSchema()).isEqualTo(rowsV2.schema());
        assertThat(v1AsV2.get("price")).isEqualTo(1.5);
        assertThat(v1AsV2.get("color")).isNull();
        assertThat(v2AsV1.getSchema()).isEqualTo(rowsV1.schema());
        assertThat(v2AsV1.get("pk")).isEqualTo(2L);
        assertThat(v2AsV1.get("price")).isEqualTo(2.5);
        assertThat(v2AsV1.getSchema().getField("color")).isNull();
    }

    @Test
    void withoutAReaderSchemaTheWritersShapeIsReturned() {
        GenericRecord record = new GenericData.Record(SchemaBuilder.record("r").fields().requiredString("s").endRecord());
        record.put("s", "x");
        byte[] bytes = new AvroWireSerializer<GenericRecord>(registry, true).serialize("t", record);

        assertThat(AvroWireDeserializer.generic(registry, null).deserialize("t", bytes).getSchema()).isEqualTo(record.getSchema());
    }

    @Test
    void withoutAutoRegistrationAnUnregisteredSchemaIsRefused() {
        GenericRecord record = new GenericData.Record(SchemaBuilder.record("r").fields().requiredInt("i").endRecord());
        record.put("i", 1);

        assertThatThrownBy(() -> new AvroWireSerializer<GenericRecord>(registry, false).serialize("t", record))
                .hasMessageContaining("not registered under subject t-value");
    }

    @Test
    void bytesShorterThanTheHeaderAreNotWireFormat() {
        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, new byte[] {0, 0, 1}))
                .isInstanceOfSatisfying(NotWireFormatException.class, e -> {
                    assertThat(e.reason()).isEqualTo(BadInputReason.NOT_WIRE_FORMAT);
                    assertThat(e.source().topic()).isEqualTo(TOPIC);
                })
                .hasMessageContaining("3 bytes").hasMessageContaining("topic items.dml");
    }

    @Test
    void anotherMagicByteIsNotWireFormat() {
        assertThatThrownBy(() -> deserializer().deserialize(TOPIC, "{\"json\":1}".getBytes()))
                .isInstanceOf(NotWireFormatException.class).hasMessageContaining("0x7b");
    }

    @Test
    void anUnregisteredSchemaIdIsReportedWithTheId() {
        assertThatThrownBy(() -> deserializer().decode(new RecordSource(TOPIC, 2, 77), new byte[] {0, 0, 0, 0, 99, 1}))
                .isInstanceOfSatisfying(UnknownSchemaIdException.class, e -> {
                    assertThat(e.schemaId()).isEqualTo(99);
                    assertThat(e.source()).isEqualTo(new RecordSource(TOPIC, 2, 77));
                })
                .hasMessageContaining("schema id 99").hasMessageContaining("partition 2 offset 77");
    }

    @Test
    void aBodyThatIsNotAvroOfTheWriterSchemaIsUndecodable() {
        Schema schema = SchemaBuilder.record("r").fields().requiredString("s").endRecord();
        int id = registry.register("t-value", schema);
        // A string whose zig-zag length says -1.
        byte[] bytes = {0, 0, 0, 0, (byte) id, 1};

        assertThatThrownBy(() -> deserializer().deserialize("t", bytes))
                .isInstanceOfSatisfying(UndecodableRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(BadInputReason.UNDECODABLE))
                .hasMessageContaining("schema id " + id);
    }

    @Test
    void bytesLeftAfterTheRecordAreUndecodable() {
        GenericRecord record = new GenericData.Record(SchemaBuilder.record("r").fields().requiredInt("i").endRecord());
        record.put("i", 1);
        byte[] valid = new AvroWireSerializer<GenericRecord>(registry, true).serialize("t", record);
        byte[] padded = Arrays.copyOf(valid, valid.length + 2);

        assertThatThrownBy(() -> deserializer().deserialize("t", padded))
                .isInstanceOf(UndecodableRecordException.class).hasMessageContaining("left over");
    }

    @Test
    void nullStaysNull() {
        assertThat(new AvroWireSerializer<GenericRecord>(registry, true).serialize("t", null)).isNull();
        assertThat(deserializer().deserialize("t", null)).isNull();
    }

    private AvroWireDeserializer<GenericRecord> deserializer() {
        return AvroWireDeserializer.generic(registry, null);
    }

    private <T extends org.apache.avro.specific.SpecificRecord> T roundTrip(Class<T> type, T value) {
        Serde<T> serde = AvroSerdes.specific(registry, type);
        return serde.deserializer().deserialize("topic", serde.serializer().serialize("topic", value));
    }

    private static byte[] avroBinary(GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
