package io.segflow.imports;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parquet files written with parquet-java's writer API, laid out as Milvus's BulkWriter writes
 * them: pk int64, the vector a list of float, scalars as plain columns (row {@code pk} has the
 * vector [pk, pk + 0.5, ...] and price pk * 1.5).
 */
public final class ParquetFiles {
    private ParquetFiles() {
    }

    public static byte[] milvusStyle(long first, int rows, int dim, int rowsPerGroup) throws IOException {
        Schema schema = SchemaBuilder.record("row").fields().requiredLong("pk").name("vector").type().array().items().floatType().noDefault()
                .requiredDouble("price").endRecord();
        List<GenericRecord> records = new ArrayList<>();
        for (long pk = first; pk < first + rows; pk++) {
            List<Float> vector = new ArrayList<>();
            for (int i = 0; i < dim; i++) {
                vector.add(pk + 0.5f * i);
            }
            GenericRecord record = new GenericData.Record(schema);
            record.put("pk", pk);
            record.put("vector", vector);
            record.put("price", pk * 1.5);
            records.add(record);
        }
        // Row groups of about rowsPerGroup rows: the writer cuts a group once its buffered size passes the limit.
        return write(schema, records, (long) rowsPerGroup * (dim * 4 + 16));
    }

    public static byte[] withoutVector(int rows) throws IOException {
        Schema schema = SchemaBuilder.record("row").fields().requiredLong("pk").endRecord();
        List<GenericRecord> records = new ArrayList<>();
        for (long pk = 0; pk < rows; pk++) {
            GenericRecord record = new GenericData.Record(schema);
            record.put("pk", pk);
            records.add(record);
        }
        return write(schema, records, 1 << 20);
    }

    private static byte[] write(Schema schema, List<GenericRecord> records, long rowGroupBytes) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PlainParquetConfiguration conf = new PlainParquetConfiguration();
        conf.set("parquet.avro.write-old-list-structure", "false");
        try (ParquetWriter<GenericRecord> writer = AvroParquetWriter.<GenericRecord>builder(memory(bytes)).withSchema(schema).withConf(conf)
                .withDataModel(GenericData.get())
                .withCodecFactory(ParquetCodecs.INSTANCE)
                .withCompressionCodec(CompressionCodecName.SNAPPY).withRowGroupSize(rowGroupBytes).withPageRowCountLimit(1_000).build()) {
            for (GenericRecord record : records) {
                writer.write(record);
            }
        }
        return bytes.toByteArray();
    }

    private static OutputFile memory(ByteArrayOutputStream bytes) {
        return new OutputFile() {
            @Override
            public PositionOutputStream create(long blockSizeHint) {
                return new PositionOutputStream() {
                    @Override
                    public long getPos() {
                        return bytes.size();
                    }

                    @Override
                    public void write(int b) {
                        bytes.write(b);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) {
                        bytes.write(b, off, len);
                    }
                };
            }

            @Override
            public PositionOutputStream createOrOverwrite(long blockSizeHint) {
                return create(blockSizeHint);
            }

            @Override
            public boolean supportsBlockSize() {
                return false;
            }

            @Override
            public long defaultBlockSize() {
                return 0;
            }
        };
    }
}
