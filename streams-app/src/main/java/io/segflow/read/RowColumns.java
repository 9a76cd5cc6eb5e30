package io.segflow.read;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.FieldSpec;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.dml.DmlDecoder;
import io.segflow.schema.dml.DmlEvent;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.schema.serde.RecordSource;
import io.segflow.segment.StoredRow;
import io.segflow.storage.AvroFiles;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rows decoded once into columns: plain keys (for delete lookups), positions, event times, the
 * vectors in one flat array, and the scalar fields by name. Reads scan these without making an
 * object per row; only the rows they return become {@link ReadRow}s.
 */
final class RowColumns implements DecodedFiles.Weighted {
    private static final List<String> FIXED = List.of(DmlSchemas.POSITION, DmlSchemas.PK, DmlSchemas.TS, DmlSchemas.VECTOR);

    private final ByteBuffer[] keys;
    private final Object[] pks;
    private final long[] positions;
    private final long[] timestamps;
    private final float[] vectors;
    private final int dim;
    private final Map<String, Object[]> fields;

    private RowColumns(int rows, int dim, List<String> fieldNames) {
        keys = new ByteBuffer[rows];
        pks = new Object[rows];
        positions = new long[rows];
        timestamps = new long[rows];
        vectors = new float[rows * dim];
        this.dim = dim;
        fields = new LinkedHashMap<>();
        fieldNames.forEach(name -> fields.put(name, new Object[rows]));
    }

    /** An insert log file; its fields are those its writer schema had. */
    static RowColumns ofInsertLog(byte[] file, int dim) {
        List<GenericRecord> records = AvroFiles.read(file);
        List<String> names = records.isEmpty() ? List.of() : records.get(0).getSchema().getFields().stream().map(Schema.Field::name)
                .filter(name -> !FIXED.contains(name)).toList();
        RowColumns columns = new RowColumns(records.size(), dim, names);
        for (int i = 0; i < records.size(); i++) {
            GenericRecord record = records.get(i);
            Object pk = PrimaryKeys.plain(record.get(DmlSchemas.PK));
            columns.set(i, pk, (Long) record.get(DmlSchemas.POSITION), (Long) record.get(DmlSchemas.TS), (ByteBuffer) record.get(DmlSchemas.VECTOR));
            for (String name : names) {
                columns.fields.get(name)[i] = PrimaryKeys.plain(record.get(name));
            }
        }
        return columns;
    }

    /** A growing or sealed segment's rows, decoded with the collection's schema of now. */
    static RowColumns ofStoredRows(List<StoredRow> rows, CollectionSpec spec, DmlDecoder decoder, int channel) {
        RowColumns columns = new RowColumns(rows.size(), spec.getDim(), spec.getFields().stream().map(FieldSpec::getName).toList());
        String topic = DmlSchemas.dmlTopic(spec.getName());
        for (int i = 0; i < rows.size(); i++) {
            StoredRow row = rows.get(i);
            DmlEvent event = decoder.decode(new RecordSource(topic, channel, row.position()), row.pk(), row.dmlValue());
            columns.set(i, event.pk(), row.position(), row.timestamp(), event.vector());
            for (Map.Entry<String, Object[]> field : columns.fields.entrySet()) {
                field.getValue()[i] = event.scalar(field.getKey());
            }
        }
        return columns;
    }

    private void set(int i, Object pk, long position, long ts, ByteBuffer vector) {
        keys[i] = ByteBuffer.wrap(PrimaryKeys.encode(pk));
        pks[i] = pk;
        positions[i] = position;
        timestamps[i] = ts;
        vector.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(vectors, i * dim, dim);
    }

    int size() {
        return pks.length;
    }

    ByteBuffer key(int i) {
        return keys[i];
    }

    Object pk(int i) {
        return pks[i];
    }

    long position(int i) {
        return positions[i];
    }

    long timestamp(int i) {
        return timestamps[i];
    }

    /** Field {@code name} of row {@code i}, or null if unset or written before the field existed. */
    Object field(String name, int i) {
        Object[] column = fields.get(name);
        return column == null ? null : column[i];
    }

    double distance(Metric metric, float[] query, int i) {
        return metric.distance(query, vectors, i * dim);
    }

    ReadRow row(int i, int channel, SegmentInfo segment, List<FieldSpec> shown) {
        Map<String, Object> values = new LinkedHashMap<>();
        shown.forEach(field -> values.put(field.getName(), field(field.getName(), i)));
        return new ReadRow(channel, segment.getId(), segment.getPartition(), pks[i], positions[i], timestamps[i],
                Arrays.copyOfRange(vectors, i * dim, (i + 1) * dim), values);
    }

    /** Roughly the heap the columns take: arrays, keys, boxed keys and field values. */
    @Override
    public int weight() {
        long perRow = 2L * Long.BYTES + 3 * 16 + 8 + 64 + (long) fields.size() * 24;
        return (int) Math.min(Integer.MAX_VALUE, (long) vectors.length * Float.BYTES + pks.length * perRow);
    }
}
