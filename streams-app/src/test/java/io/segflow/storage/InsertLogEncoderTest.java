package io.segflow.storage;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.InMemorySchemaRegistry;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.TestCollections;
import io.segflow.schema.dml.DmlRecords;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.serde.AvroWireSerializer;
import io.segflow.segment.FlushResult;
import io.segflow.segment.StoredRow;
import io.segflow.storage.SegmentFiles.EncodedRow;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.segflow.schema.TestCollections.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InsertLogEncoderTest {
    private static final long TS = 1_700_000_000_123L;
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

    private CollectionSpec spec(PkType pkType) {
        CollectionSpec spec = TestCollections.spec("rows", pkType, 3, field("b", ScalarType.BOOL), field("i", ScalarType.INT32),
                field("l", ScalarType.INT64), field("f", ScalarType.FLOAT), field("d", ScalarType.DOUBLE), field("s", ScalarType.VARCHAR));
        spec.setDmlSchemaId(registry.register(DmlSchemas.subject(spec.getName()), DmlSchemas.forCollection(spec)));
        return spec;
    }

    private static Object pk(PkType pkType, int i) {
        return pkType == PkType.INT64 ? (Object) (i * 7919L - 5000) : "key-" + i;
    }

    private static Map<String, Object> scalars(int i) {
        return i % 3 == 0 ? Map.of("b", true, "i", -i, "l", Long.MIN_VALUE + i, "f", 1.5f * i, "d", -2.25 * i, "s", "héllo " + i)
                : i % 3 == 1 ? Map.of("s", "only") : Map.of();
    }

    private static float[] vector(int i) {
        return new float[] {i, -0f, 3e9f / (i + 1)};
    }

    private StoredRow flushed(CollectionSpec spec, DmlRecords records, Object pk, long position, float[] vector, Map<String, Object> scalars) {
        GenericRecord value = records.insert(pk, "hot", vector, scalars);
        return new StoredRow(position, TS, PrimaryKeys.encode(pk),
                new AvroWireSerializer<GenericRecord>(registry, true).serialize("rows.dml", value));
    }

    @ParameterizedTest
    @EnumSource(PkType.class)
    void anEncodedRowIsTheRowFlushWritesForTheSameValues(PkType pkType) {
        CollectionSpec spec = spec(pkType);
        DmlRecords records = new DmlRecords(spec);
        InsertLogRows flush = new InsertLogRows(spec, registry);
        InsertLogEncoder encoder = new InsertLogEncoder(spec);
        for (int i = 0; i < 30; i++) {
            Object pk = pk(pkType, i);
            long position = i * 1_000_003L;
            byte[] direct = encoder.encode(position, pk, TS, InsertLogEncoder.vector(vector(i)), scalars(i));

            assertThat(direct).isEqualTo(flush.encode(flushed(spec, records, pk, position, vector(i), scalars(i)), 0).array());
        }
    }

    @ParameterizedTest
    @EnumSource(PkType.class)
    void encodedRowsMakeTheSameFilesAsFlushedRows(PkType pkType) throws Exception {
        CollectionSpec spec = spec(pkType);
        DmlRecords records = new DmlRecords(spec);
        InsertLogEncoder encoder = new InsertLogEncoder(spec);
        List<StoredRow> stored = new ArrayList<>();
        List<EncodedRow> encoded = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            Object pk = pk(pkType, i);
            stored.add(flushed(spec, records, pk, 77, vector(i), scalars(i)));
            encoded.add(new EncodedRow(PrimaryKeys.encode(pk), TS, encoder.encode(77, pk, TS, InsertLogEncoder.vector(vector(i)), scalars(i))));
        }
        SegmentFiles files = new SegmentFiles(registry, 100, 0.01);
        Map<String, byte[]> viaFlush = new LinkedHashMap<>();
        Map<String, byte[]> viaEncoded = new LinkedHashMap<>();

        FlushResult flushResult = files.build(new FlushJob(spec, 1, 9, SegmentLevel.L1, stored, List.of(), pk -> -1), viaFlush::put);
        FlushResult encodedResult = files.buildEncoded(spec, 1, 9, encoded, viaEncoded::put);

        assertThat(encodedResult).isEqualTo(flushResult);
        assertThat(viaEncoded.keySet()).containsExactlyElementsOf(viaFlush.keySet()).hasSize(4);
        viaFlush.forEach((path, file) -> assertThat(AvroFiles.<GenericRecord>read(viaEncoded.get(path)))
                .as(path).isEqualTo(AvroFiles.<GenericRecord>read(file)));
    }

    @Test
    void aVectorOfTheWrongSizeIsRefused() {
        InsertLogEncoder encoder = new InsertLogEncoder(spec(PkType.INT64));

        assertThatThrownBy(() -> encoder.encode(0, 1L, TS, InsertLogEncoder.vector(new float[] {1, 2}), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 dimensions").hasMessageContaining("have 3");
    }
}
