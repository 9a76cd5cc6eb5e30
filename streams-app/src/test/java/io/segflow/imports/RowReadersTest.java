package io.segflow.imports;

import io.segflow.bench.ImportFiles;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.TestCollections;
import io.segflow.storage.InsertLogEncoder;
import io.segflow.testing.InMemoryObjectStorage;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static io.segflow.schema.TestCollections.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The file readers on files written here byte by byte; the integration test reads files written by NumPy and Python. */
class RowReadersTest {
    private final CollectionSpec spec = TestCollections.spec("imp", PkType.INT64, 2, field("price", ScalarType.DOUBLE),
            field("tag", ScalarType.VARCHAR));
    private final InMemoryObjectStorage storage = new InMemoryObjectStorage(() -> 0L);

    private List<ImportRow> read(ImportFormat format, String path) throws Exception {
        List<ImportRow> rows = new ArrayList<>();
        try (RowReader reader = RowReaders.open(format, spec, storage, path)) {
            for (ImportRow row = reader.next(); row != null; row = reader.next()) {
                rows.add(row);
            }
        }
        return rows;
    }

    private void put(String path, String text) {
        storage.put(path, text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void jsonRowsComeWrappedInRowsOrOnePerLine() throws Exception {
        put("w.json", "{\"rows\": [{\"pk\": 1, \"vector\": [0.5, 1], \"price\": 2.5, \"tag\": \"a\"},"
                + " {\"pk\": 2, \"vector\": [1, 2]}]}");
        put("l.json", "{\"pk\": 1, \"vector\": [0.5, 1], \"price\": 2.5, \"tag\": \"a\"}\n{\"pk\": 2, \"vector\": [1, 2]}\n");
        for (String path : List.of("w.json", "l.json")) {
            List<ImportRow> rows = read(ImportFormat.JSON, path);
            assertThat(rows).extracting(ImportRow::pk).containsExactly(1L, 2L);
            assertThat(floats(rows.get(0).vector())).containsExactly(0.5f, 1f);
            assertThat(rows.get(0).scalars()).containsEntry("price", 2.5).containsEntry("tag", "a");
            assertThat(rows.get(1).scalars()).isEmpty();
        }
    }

    @Test
    void aJsonFileWhoseFirstRowHasAnUnknownFieldFailsWhenOpened() {
        put("bad.json", "{\"rows\": [{\"pk\": 1, \"vector\": [0.5, 1], \"colour\": \"red\"}]}");
        assertThatThrownBy(() -> RowReaders.open(ImportFormat.JSON, spec, storage, "bad.json").close())
                .isInstanceOf(ImportFileException.class).hasMessageContaining("bad.json").hasMessageContaining("'colour'");
    }

    @Test
    void aBadRowLaterInTheFileNamesItsRowAndWhatIsWrong() {
        put("late.json", "{\"pk\": 1, \"vector\": [0.5, 1]}\n{\"pk\": 2, \"vector\": [1, 2]}\n{\"pk\": 3, \"vector\": [1, 2, 3]}\n");
        assertThatThrownBy(() -> read(ImportFormat.JSON, "late.json")).isInstanceOf(ImportFileException.class)
                .hasMessage("late.json row 3: vector is not an array of 2 numbers (it has 3)");
        put("pk.json", "{\"pk\": \"x\", \"vector\": [0.5, 1]}");
        assertThatThrownBy(() -> read(ImportFormat.JSON, "pk.json")).hasMessage("pk.json row 1: pk \"x\" is not an int64");
    }

    @Test
    void csvCellsAreTextTheVectorAJsonArrayAndAnEmptyCellNull() throws Exception {
        put("r.csv", "pk,vector,price,tag\n1,\"[0.5, 1]\",2.5,a\n2,\"[1,2]\",,\n");
        List<ImportRow> rows = read(ImportFormat.CSV, "r.csv");
        assertThat(rows).extracting(ImportRow::pk).containsExactly(1L, 2L);
        assertThat(rows.get(0).scalars()).containsEntry("price", 2.5).containsEntry("tag", "a");
        assertThat(floats(rows.get(1).vector())).containsExactly(1f, 2f);
        assertThat(rows.get(1).scalars()).containsEntry("price", null);
    }

    @Test
    void aCsvHeaderWithoutTheVectorFailsWhenOpened() {
        put("h.csv", "pk,price\n1,2.5\n");
        assertThatThrownBy(() -> RowReaders.open(ImportFormat.CSV, spec, storage, "h.csv").close())
                .isInstanceOf(ImportFileException.class).hasMessage("h.csv: no 'vector' field");
    }

    private static byte[] npy(String descr, String shape, byte[] data) {
        byte[] header = ImportFiles.npyHeader(descr, shape);
        byte[] file = Arrays.copyOf(header, header.length + data.length);
        System.arraycopy(data, 0, file, header.length, data.length);
        return file;
    }

    private static byte[] littleEndian(int bytes, java.util.function.Consumer<ByteBuffer> fill) {
        ByteBuffer data = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        fill.accept(data);
        return data.array();
    }

    @Test
    void aNumpyFolderIsReadInStepOneArrayPerField() throws Exception {
        storage.put("n/pk.npy", npy("<i8", "(3,)", littleEndian(24, b -> b.putLong(7).putLong(8).putLong(9))));
        storage.put("n/vector.npy", npy("<f4", "(3, 2)", littleEndian(24, b -> b.putFloat(1).putFloat(2).putFloat(3).putFloat(4)
                .putFloat(5).putFloat(6))));
        storage.put("n/price.npy", npy("<f8", "(3,)", littleEndian(24, b -> b.putDouble(0.5).putDouble(1.5).putDouble(2.5))));
        storage.put("n/tag.npy", npy("<U2", "(3,)", littleEndian(24, b -> b.putInt('a').putInt(0).putInt('b').putInt('c')
                .putInt(0x1F600).putInt(0))));
        try (RowReader reader = RowReaders.open(ImportFormat.NPY, spec, storage, "n")) {
            assertThat(reader.knownRows()).isEqualTo(3);
        }
        List<ImportRow> rows = read(ImportFormat.NPY, "n");
        assertThat(rows).extracting(ImportRow::pk).containsExactly(7L, 8L, 9L);
        assertThat(floats(rows.get(2).vector())).containsExactly(5f, 6f);
        assertThat(rows).extracting(r -> r.scalars().get("price")).containsExactly(0.5, 1.5, 2.5);
        assertThat(rows).extracting(r -> r.scalars().get("tag")).containsExactly("a", "bc", new String(Character.toChars(0x1F600)));
    }

    @Test
    void numpyVectorsOfFloat64OrBigEndianFloat32BecomeLittleEndianFloat32() throws Exception {
        storage.put("e/pk.npy", npy("<i8", "(2,)", littleEndian(16, b -> b.putLong(7).putLong(8))));
        storage.put("e/vector.npy", npy("<f8", "(2, 2)", littleEndian(32, b -> b.putDouble(0.5).putDouble(-1).putDouble(1e40).putDouble(3))));
        List<ImportRow> rows = read(ImportFormat.NPY, "e");
        assertThat(floats(rows.get(0).vector())).containsExactly(0.5f, -1f);
        assertThat(floats(rows.get(1).vector())).containsExactly(Float.POSITIVE_INFINITY, 3f);

        ByteBuffer bigEndian = ByteBuffer.allocate(16).putFloat(1.25f).putFloat(2).putFloat(-3).putFloat(4);
        storage.put("e/vector.npy", npy(">f4", "(2, 2)", bigEndian.array()));
        rows = read(ImportFormat.NPY, "e");
        assertThat(rows.get(1).vector()).isEqualTo(InsertLogEncoder.vector(new float[] {-3, 4}));
        assertThat(floats(rows.get(0).vector())).containsExactly(1.25f, 2f);
    }

    /** A vector of the insert log's form (little-endian float32) as floats. */
    private static float[] floats(byte[] vector) {
        float[] floats = new float[vector.length / Float.BYTES];
        ByteBuffer.wrap(vector).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(floats);
        return floats;
    }

    @Test
    void aNumpyVectorOfTheWrongDimensionFailsWhenOpened() {
        storage.put("d/pk.npy", npy("<i8", "(1,)", littleEndian(8, b -> b.putLong(7))));
        storage.put("d/vector.npy", npy("<f4", "(1, 3)", littleEndian(12, b -> b.putFloat(1).putFloat(2).putFloat(3))));
        assertThatThrownBy(() -> RowReaders.open(ImportFormat.NPY, spec, storage, "d").close())
                .isInstanceOf(ImportFileException.class).hasMessage("d/vector.npy: vectors of 3 dimensions; the collection's have 2");
    }

    @Test
    void numpyArraysOfDifferentLengthsOrAMissingVectorFailWhenOpened() {
        storage.put("m/pk.npy", npy("<i8", "(2,)", littleEndian(16, b -> b.putLong(7).putLong(8))));
        assertThatThrownBy(() -> RowReaders.open(ImportFormat.NPY, spec, storage, "m").close()).hasMessage("m: no vector.npy in the folder");
        storage.put("m/vector.npy", npy("<f4", "(1, 2)", littleEndian(8, b -> b.putFloat(1).putFloat(2))));
        assertThatThrownBy(() -> RowReaders.open(ImportFormat.NPY, spec, storage, "m").close())
                .hasMessage("m/vector.npy: 1 rows; m/pk.npy has 2");
    }

    @Test
    void parquetWrittenAsMilvussBulkWriterWritesItReadsBackRowGroupByRowGroup() throws Exception {
        storage.put("p.parquet", ParquetFiles.milvusStyle(0, 2_000, 2, 500));
        try (RowReader reader = RowReaders.open(ImportFormat.PARQUET, spec, storage, "p.parquet")) {
            assertThat(reader.knownRows()).isEqualTo(2_000);
        }
        List<ImportRow> rows = read(ImportFormat.PARQUET, "p.parquet");
        assertThat(rows).hasSize(2_000);
        assertThat(rows.get(1_234).pk()).isEqualTo(1_234L);
        assertThat(floats(rows.get(1_234).vector())).containsExactly(1_234f, 1_234.5f);
        assertThat(rows.get(1_234).scalars()).containsEntry("price", 1_234 * 1.5);
    }

    @Test
    void aParquetFileWithoutTheVectorFailsWhenOpened() throws Exception {
        storage.put("nv.parquet", ParquetFiles.withoutVector(3));
        assertThatThrownBy(() -> RowReaders.open(ImportFormat.PARQUET, spec, storage, "nv.parquet").close())
                .isInstanceOf(ImportFileException.class).hasMessage("nv.parquet: no 'vector' field");
    }

    @Test
    void unknownFormatsAreRefusedByName() {
        assertThatThrownBy(() -> ImportFormat.of("xml")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown import format 'xml': one of json, npy, parquet, csv");
    }
}
