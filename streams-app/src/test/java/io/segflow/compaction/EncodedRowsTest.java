package io.segflow.compaction;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.FieldSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.TestCollections;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.storage.AvroFiles;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.segflow.schema.TestCollections.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Rows read in place from their bytes are the rows Avro's own reader and writer see in the same files. */
class EncodedRowsTest {
    private static final FieldSpec[] SCALARS = {
            field("b", ScalarType.BOOL), field("i", ScalarType.INT32), field("l", ScalarType.INT64),
            field("f", ScalarType.FLOAT), field("d", ScalarType.DOUBLE), field("s", ScalarType.VARCHAR)};
    private static final CollectionSpec SPEC = TestCollections.spec("enc", PkType.VARCHAR, 16, SCALARS);
    private static final Schema SCHEMA = DmlSchemas.insertLog(SPEC);

    @TempDir
    Path dir;

    /** Rows of every scalar type, a tenth of each field null, and string keys with characters outside ASCII. */
    private static List<GenericRecord> rows(Schema schema, int count) {
        Random random = new Random(11);
        List<GenericRecord> rows = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            GenericRecord row = new GenericData.Record(schema);
            row.put(DmlSchemas.POSITION, (long) n * 7 + random.nextInt(7));
            row.put(DmlSchemas.PK, "kéy-" + random.nextInt(1_000_000));
            row.put(DmlSchemas.TS, 1_700_000_000_000L + random.nextInt(1_000_000));
            byte[] vector = new byte[64];
            random.nextBytes(vector);
            row.put(DmlSchemas.VECTOR, ByteBuffer.wrap(vector));
            for (Schema.Field field : schema.getFields().subList(4, schema.getFields().size())) {
                Object value = switch (field.name()) {
                    case "b" -> random.nextBoolean();
                    case "i" -> random.nextInt();
                    case "l" -> random.nextLong();
                    case "f" -> random.nextFloat() - 0.5f;
                    case "d" -> random.nextGaussian();
                    default -> "s" + random.nextInt(100) + "ü";
                };
                row.put(field.name(), random.nextInt(10) == 0 ? null : value);
            }
            rows.add(row);
        }
        return rows;
    }

    private static byte[] encode(GenericRecord row) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(SCHEMA).write(row, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static List<EncodedRow> readAll(EncodedRows.Reader reader) throws IOException {
        List<EncodedRow> rows = new ArrayList<>();
        try (reader) {
            reader.forEachRemaining(rows::add);
        }
        return rows;
    }

    private static void assertSameRows(List<EncodedRow> read, List<GenericRecord> expected, String clusteringKey) throws IOException {
        assertThat(read).hasSize(expected.size());
        for (int n = 0; n < expected.size(); n++) {
            GenericRecord row = expected.get(n);
            EncodedRow encoded = read.get(n);
            assertThat(encoded.position()).isEqualTo(row.get(DmlSchemas.POSITION));
            assertThat(encoded.pk()).isEqualTo(PrimaryKeys.plain(row.get(DmlSchemas.PK)));
            assertThat(encoded.ts()).isEqualTo(row.get(DmlSchemas.TS));
            assertThat(encoded.clustering()).isEqualTo(clusteringKey == null ? null : PrimaryKeys.plain(row.get(clusteringKey)));
            assertThat(encoded.bytes()).isEqualTo(encode(row));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"b", "i", "l", "f", "d", "s"})
    void rowsReadInPlaceAreTheRowsAvroReads(String clusteringKey) throws IOException {
        List<GenericRecord> written = rows(SCHEMA, 3_000);
        byte[] file = AvroFiles.write(SCHEMA, written);
        EncodedRows rows = new EncodedRows(SPEC, clusteringKey);

        List<EncodedRow> read = readAll(rows.read(file));

        // Avro's reader is the reference for each row; the writer's bytes for each row's encoding.
        assertSameRows(read, AvroFiles.read(file, SCHEMA), clusteringKey);
        assertSameRows(read, written, clusteringKey);
    }

    @Test
    void aRunWrittenInManyBlocksReadsBackTheSameRows() throws IOException {
        List<GenericRecord> written = rows(SCHEMA, 3_000);
        EncodedRows rows = new EncodedRows(SPEC, null);
        List<EncodedRow> read = readAll(rows.read(AvroFiles.write(SCHEMA, written)));
        Path run = dir.resolve("run.avro");

        rows.write(read.iterator(), run);

        // Runs use Avro's default 64 KB blocks: these rows fill several.
        assertThat(run.toFile().length()).isGreaterThan(3 * 64 * 1024);
        assertSameRows(readAll(rows.read(run)), written, null);
    }

    @Test
    void aClusteringKeyMustBeAScalarOfTheCollection() {
        assertThatThrownBy(() -> new EncodedRows(SPEC, DmlSchemas.VECTOR))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a scalar field of enc");
    }

    @Test
    void aFileInAnOlderSchemaIsResolvedToTheRewritesSchema() throws IOException {
        // The collection before its last two fields were added.
        Schema older = DmlSchemas.insertLog(TestCollections.spec("enc", PkType.VARCHAR, 16, SCALARS[0], SCALARS[1], SCALARS[2], SCALARS[3]));
        List<GenericRecord> written = rows(older, 500);
        byte[] file = AvroFiles.write(older, written);

        List<EncodedRow> read = readAll(new EncodedRows(SPEC, "s").read(file));

        List<GenericRecord> resolved = AvroFiles.read(file, SCHEMA);
        assertThat(resolved.get(0).get("s")).isNull();
        assertSameRows(read, resolved, "s");
        // And the bytes decode in the rewrite's schema to the rows as written, with the new fields null.
        GenericRecord first = new GenericDatumReader<GenericRecord>(SCHEMA).read(null, DecoderFactory.get().binaryDecoder(read.get(0).bytes(), null));
        assertThat(first.get(DmlSchemas.PK).toString()).isEqualTo(written.get(0).get(DmlSchemas.PK));
        assertThat(first.get("f")).isEqualTo(written.get(0).get("f"));
        assertThat(first.get("d")).isNull();
    }
}
