package io.segflow.imports;

import io.segflow.bench.ImportFiles;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * Parquet files in memory, written with parquet-java's writer API laid out as Milvus's
 * BulkWriter writes them: row {@code pk} has the vector [pk, pk + 0.5, ...] and price pk * 1.5.
 */
final class ParquetFiles {
    private ParquetFiles() {
    }

    static byte[] milvusStyle(long first, int rows, int dim, int rowsPerGroup) throws IOException {
        Schema schema = ImportFiles.rowSchema(true);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        // Row groups of about rowsPerGroup rows: the writer cuts a group once its buffered size passes the limit.
        try (ParquetWriter<GenericRecord> writer = ImportFiles.parquetWriter(memory(bytes), schema, (long) rowsPerGroup * (dim * 4 + 16))) {
            for (long pk = first; pk < first + rows; pk++) {
                float[] vector = new float[dim];
                for (int i = 0; i < dim; i++) {
                    vector[i] = pk + 0.5f * i;
                }
                writer.write(ImportFiles.row(schema, pk, vector, pk * 1.5));
            }
        }
        return bytes.toByteArray();
    }

    static byte[] withoutVector(int rows) throws IOException {
        Schema schema = SchemaBuilder.record("row").fields().requiredLong("pk").endRecord();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ParquetWriter<GenericRecord> writer = ImportFiles.parquetWriter(memory(bytes), schema, 1 << 20)) {
            for (long pk = 0; pk < rows; pk++) {
                GenericRecord record = new GenericData.Record(schema);
                record.put("pk", pk);
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
