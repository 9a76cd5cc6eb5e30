package io.segflow.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.imports.ParquetCodecs;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Bulk import files of synthetic rows (pk and vector), streamed to disk, as users hand them to
 * Milvus: JSON lines, a NumPy folder ({@code pk.npy} int64, {@code vector.npy} float32), and
 * Parquet laid out as Milvus's BulkWriter writes it (the vector a list of float).
 */
public final class ImportFiles {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ImportFiles() {
    }

    /** The header of a version 1.0 {@code .npy} file: magic, version, length, then the dict padded with spaces to a multiple of 64 bytes. */
    public static byte[] npyHeader(String descr, String shape) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }";
        int length = ((10 + dict.length() + 1 + 63) / 64) * 64 - 10;
        String padded = dict + " ".repeat(length - dict.length() - 1) + "\n";
        ByteBuffer header = ByteBuffer.allocate(10 + length).order(ByteOrder.LITTLE_ENDIAN);
        header.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) length);
        header.put(padded.getBytes(StandardCharsets.ISO_8859_1));
        return header.array();
    }

    public static void npy(Path folder, long rows, int dim, LongFunction<float[]> vectors) throws IOException {
        Files.createDirectories(folder);
        try (OutputStream pks = new BufferedOutputStream(Files.newOutputStream(folder.resolve("pk.npy")), 1 << 16);
             OutputStream values = new BufferedOutputStream(Files.newOutputStream(folder.resolve("vector.npy")), 1 << 16)) {
            pks.write(npyHeader("<i8", "(" + rows + ",)"));
            values.write(npyHeader("<f4", "(" + rows + ", " + dim + ")"));
            ByteBuffer pk = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer vector = ByteBuffer.allocate(dim * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (long i = 0; i < rows; i++) {
                pks.write(pk.clear().putLong(i).array());
                vector.clear().asFloatBuffer().put(vectors.apply(i));
                values.write(vector.array());
            }
        }
    }

    public static void jsonLines(Path file, long rows, LongFunction<float[]> vectors) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
             JsonGenerator json = JSON.getFactory().createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            json.setRootValueSeparator(null);
            for (long i = 0; i < rows; i++) {
                json.writeStartObject();
                json.writeNumberField("pk", i);
                float[] vector = vectors.apply(i);
                json.writeArrayFieldStart("vector");
                for (float v : vector) {
                    json.writeNumber(v);
                }
                json.writeEndArray();
                json.writeEndObject();
                json.flush();
                out.write('\n');
            }
        }
    }

    public static void parquet(Path file, long rows, int dim, LongFunction<float[]> vectors) throws IOException {
        Files.deleteIfExists(file);
        Schema schema = rowSchema(false);
        try (ParquetWriter<GenericRecord> writer = parquetWriter(new LocalOutputFile(file), schema, 128L << 20)) {
            for (long i = 0; i < rows; i++) {
                writer.write(row(schema, i, vectors.apply(i), null));
            }
        }
    }

    /** pk int64, vector a list of float and, if {@code price}, price double: Milvus's BulkWriter's layout. */
    public static Schema rowSchema(boolean price) {
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("row").fields().requiredLong("pk").name("vector").type()
                .array().items().floatType().noDefault();
        return (price ? fields.requiredDouble("price") : fields).endRecord();
    }

    public static GenericRecord row(Schema schema, long pk, float[] vector, Double price) {
        List<Float> values = new ArrayList<>(vector.length);
        for (float v : vector) {
            values.add(v);
        }
        GenericRecord record = new GenericData.Record(schema);
        record.put("pk", pk);
        record.put("vector", values);
        if (price != null) {
            record.put("price", price);
        }
        return record;
    }

    /** A writer of snappy-compressed Parquet (pyarrow's default) through our codecs, so that no Hadoop runtime is needed. */
    public static ParquetWriter<GenericRecord> parquetWriter(OutputFile file, Schema schema, long rowGroupBytes) throws IOException {
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.set("parquet.avro.write-old-list-structure", "false");
        return AvroParquetWriter.<GenericRecord>builder(file).withSchema(schema).withConf(conf).withDataModel(GenericData.get())
                .withCodecFactory(ParquetCodecs.INSTANCE).withCompressionCodec(CompressionCodecName.SNAPPY).withRowGroupSize(rowGroupBytes)
                .withPageRowCountLimit(1_000).build();
    }
}
