package io.segflow.imports;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.storage.ObjectStorage;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.Schema;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.schema.Type;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * A Parquet import file, read with parquet-java (parquet-avro's reader, without Hadoop: the file
 * is an {@link InputFile} over range reads of the bucket), a row group at a time. The vector is a
 * list of float, as Milvus's BulkWriter writes it, or a fixed-size binary of {@code dim}
 * little-endian float32 values. The footer's field names and row count are checked when opened.
 */
final class ParquetRows implements RowReader {
    private final String path;
    private final RowValues values;
    private final int dim;
    private final ParquetReader<GenericRecord> reader;
    private final long rows;
    private long row;

    private ParquetRows(String path, RowValues values, int dim, ParquetReader<GenericRecord> reader, long rows) {
        this.path = path;
        this.values = values;
        this.dim = dim;
        this.reader = reader;
        this.rows = rows;
    }

    static ParquetRows open(String path, CollectionSpec spec, ObjectStorage storage, RowValues values) throws ImportFileException {
        InputFile file = new StoredInputFile(storage, path);
        long rows;
        try (ParquetFileReader footer = ParquetFileReader.open(file, ParquetReadOptions.builder(new PlainParquetConfiguration())
                .withCodecFactory(ParquetCodecs.INSTANCE).build())) {
            values.checkFields(path, footer.getFileMetaData().getSchema().getFields().stream().map(Type::getName).toList());
            rows = footer.getFooter().getBlocks().stream().mapToLong(BlockMetaData::getRowCount).sum();
        } catch (IOException | RuntimeException e) {
            throw new ImportFileException(path, -1, "not a Parquet file: " + e.getMessage(), e);
        }
        try {
            PlainParquetConfiguration conf = new PlainParquetConfiguration();
            ParquetReader<GenericRecord> reader = AvroParquetReader.<GenericRecord>builder(file, conf).withDataModel(GenericData.get())
                    .withCodecFactory(ParquetCodecs.INSTANCE).build();
            return new ParquetRows(path, values, spec.getDim(), reader, rows);
        } catch (IOException | RuntimeException e) {
            throw new ImportFileException(path, -1, "cannot read the Parquet file: " + e.getMessage(), e);
        }
    }

    @Override
    public ImportRow next() throws ImportFileException {
        GenericRecord record;
        try {
            record = reader.read();
        } catch (IOException | RuntimeException e) {
            throw new ImportFileException(path, row + 1, "cannot read: " + e.getMessage(), e);
        }
        if (record == null) {
            return null;
        }
        row++;
        Map<String, Object> fields = new HashMap<>();
        Object pk = null;
        float[] vector = null;
        for (Schema.Field field : record.getSchema().getFields()) {
            Object value = record.get(field.pos());
            switch (field.name()) {
                case DmlSchemas.PK -> pk = value;
                case DmlSchemas.VECTOR -> vector = vector(value);
                default -> fields.put(field.name(), value);
            }
        }
        return values.typed(path, row, pk, vector, fields);
    }

    private float[] vector(Object value) throws ImportFileException {
        if (value instanceof Collection<?> list) {
            float[] vector = new float[list.size()];
            int i = 0;
            for (Object element : list) {
                // A three-level list may come back as records of one field.
                Object number = element instanceof GenericRecord wrapped ? wrapped.get(0) : element;
                if (!(number instanceof Number n)) {
                    throw new ImportFileException(path, row, "vector element " + i + " is " + number + ", not a number");
                }
                vector[i++] = n.floatValue();
            }
            return vector;
        }
        ByteBuffer bytes = value instanceof GenericFixed fixed ? ByteBuffer.wrap(fixed.bytes())
                : value instanceof ByteBuffer buffer ? buffer.duplicate() : null;
        if (bytes == null || bytes.remaining() != dim * Float.BYTES) {
            throw new ImportFileException(path, row, "vector is neither a list of float nor " + dim * Float.BYTES + " bytes of float32");
        }
        float[] vector = new float[dim];
        bytes.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vector);
        return vector;
    }

    @Override
    public long knownRows() {
        return rows;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            // Nothing left to read.
        }
    }
}
