package io.segflow.storage;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.InMemorySchemaRegistry;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.TestCollections;
import io.segflow.schema.dml.DmlRecords;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.serde.AvroWireSerializer;
import io.segflow.segment.StoredRow;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.segflow.schema.TestCollections.field;
import static org.assertj.core.api.Assertions.assertThat;

class InsertLogRowsTest {
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    private CollectionSpec registered(CollectionSpec spec) {
        spec.setDmlSchemaId(registry.register(DmlSchemas.subject(spec.getName()), DmlSchemas.forCollection(spec)));
        return spec;
    }

    private CollectionSpec spec(PkType pkType) {
        return registered(TestCollections.spec("rows", pkType, 3, field("b", ScalarType.BOOL), field("i", ScalarType.INT32),
                field("l", ScalarType.INT64), field("f", ScalarType.FLOAT), field("d", ScalarType.DOUBLE), field("s", ScalarType.VARCHAR)));
    }

    private StoredRow stored(CollectionSpec spec, Object pk, GenericRecord value, long position) {
        byte[] bytes = new AvroWireSerializer<GenericRecord>(registry, true).serialize("rows.dml", value);
        return new StoredRow(position, 1_700_000_000_123L + position, PrimaryKeys.encode(pk), bytes);
    }

    @ParameterizedTest
    @EnumSource(PkType.class)
    void transcodingGivesTheSameBytesAsDecodingAndEncoding(PkType pkType) {
        CollectionSpec spec = spec(pkType);
        CollectionSpec unknownId = CollectionSpec.newBuilder(spec).setDmlSchemaId(-1).build();
        DmlRecords records = new DmlRecords(spec);
        InsertLogRows fast = new InsertLogRows(spec, registry);
        InsertLogRows slow = new InsertLogRows(unknownId, registry);
        Map<String, Object> all = new HashMap<>(Map.of("b", true, "i", -7, "l", Long.MIN_VALUE, "f", 1.5f, "d", -2.25, "s", "héllo"));
        for (long position : new long[] {0, 1, 300, Long.MAX_VALUE / 2}) {
            Object pk = pkType == PkType.INT64 ? (Object) (position - 150) : "key-" + position;
            Map<String, Object> scalars = position % 2 == 0 ? all : Map.of("s", "only");
            StoredRow row = stored(spec, pk, records.upsert(pk, "hot", new float[] {1f, -0f, 3e9f}, scalars), position);

            assertThat(fast.encode(row, 0)).isEqualTo(slow.encode(row, 0));
        }
    }

    @Test
    void aTranscodedRowReadsBackWithEveryField() throws Exception {
        CollectionSpec spec = spec(PkType.INT64);
        StoredRow row = stored(spec, 42L, new DmlRecords(spec).insert(42L, "_default", new float[] {1, 2, 3},
                Map.of("s", "x", "d", 0.5)), 9);

        ByteBuffer encoded = new InsertLogRows(spec, registry).encode(row, 0);
        GenericRecord read = new GenericDatumReader<GenericRecord>(DmlSchemas.insertLog(spec))
                .read(null, DecoderFactory.get().binaryDecoder(encoded.array(), null));

        assertThat(read.get("position")).isEqualTo(9L);
        assertThat(read.get("pk")).isEqualTo(42L);
        assertThat(read.get("ts")).isEqualTo(1_700_000_000_132L);
        assertThat(((ByteBuffer) read.get("vector")).remaining()).isEqualTo(12);
        assertThat(read.get("s").toString()).isEqualTo("x");
        assertThat(read.get("d")).isEqualTo(0.5);
        assertThat(read.get("b")).isNull();
    }

    @Test
    void rowsWrittenWithAnOlderSchemaAreResolvedToTheCurrentOne() throws Exception {
        CollectionSpec v1 = registered(TestCollections.spec("rows", PkType.INT64, 3));
        StoredRow old = stored(v1, 5L, new DmlRecords(v1).insert(5L, "_default", new float[] {1, 2, 3}, Map.of()), 1);
        CollectionSpec v2 = registered(CollectionSpec.newBuilder(v1).setFields(List.of(field("s", ScalarType.VARCHAR)))
                .setSchemaVersion(2).build());

        ByteBuffer encoded = new InsertLogRows(v2, registry).encode(old, 0);
        GenericRecord read = new GenericDatumReader<GenericRecord>(DmlSchemas.insertLog(v2))
                .read(null, DecoderFactory.get().binaryDecoder(encoded.array(), null));

        assertThat(read.get("pk")).isEqualTo(5L);
        assertThat(read.get("s")).isNull();
    }
}
