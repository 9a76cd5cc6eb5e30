package io.segflow.compaction;

import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.serde.AvroCursor;
import io.segflow.storage.RecordEncoder;
import org.apache.avro.Schema;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.file.SeekableFileInput;
import org.apache.avro.file.SeekableInput;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Reads and writes the rows of insert logs and spilled runs as {@link EncodedRow}s. A file in the
 * rewrite's schema is read a decompressed block at a time, each row's fields found in place and
 * its bytes copied as they are, so a rewrite neither decodes a row into a record nor encodes it
 * again. A file in another schema (written before the collection's last schema change) is
 * resolved to the rewrite's row by row, as Avro resolves it, and encoded in that schema.
 */
final class EncodedRows {
    /** The fields every insert-log row starts with, in this order; the collection's scalars follow. */
    private static final List<String> LEADING = List.of(DmlSchemas.POSITION, DmlSchemas.PK, DmlSchemas.TS, DmlSchemas.VECTOR);
    private final Schema schema;
    private final boolean stringPk;
    /** The type of each field after the vector, each a union of null and that type. */
    private final Schema.Type[] scalars;
    /** Which of them is the clustering key, or -1. */
    private final int clustering;

    /**
     * @param schema        an insert-log schema ({@link DmlSchemas#insertLog})
     * @param clusteringKey the field whose values rows are ordered by first, or null
     */
    EncodedRows(Schema schema, String clusteringKey) {
        List<String> leading = schema.getFields().stream().limit(LEADING.size()).map(Schema.Field::name).toList();
        if (!leading.equals(LEADING)) {
            throw new IllegalArgumentException("not an insert-log schema, whose rows start with " + LEADING + ": " + schema);
        }
        this.schema = schema;
        this.stringPk = schema.getField(DmlSchemas.PK).schema().getType() == Schema.Type.STRING;
        int first = LEADING.size();
        this.scalars = schema.getFields().stream().skip(first).map(EncodedRows::valueType).toArray(Schema.Type[]::new);
        // Collection rules make a clustering key a scalar field.
        this.clustering = clusteringKey == null ? -1 : schema.getField(clusteringKey).pos() - first;
    }

    private static Schema.Type valueType(Schema.Field field) {
        Schema union = field.schema();
        if (union.getType() != Schema.Type.UNION || union.getTypes().size() != 2 || union.getTypes().get(0).getType() != Schema.Type.NULL) {
            throw new IllegalArgumentException("insert-log field " + field.name() + " is not a union of null and a value: " + union);
        }
        return union.getTypes().get(1).getType();
    }

    /** The rows of an insert log held in memory. */
    Reader read(byte[] file) {
        try {
            return new Reader(new SeekableByteArrayInput(file));
        } catch (IOException e) {
            throw new UncheckedIOException("not an Avro object container file", e);
        }
    }

    /** The rows of a spilled run, read from disk a block at a time. */
    Reader read(Path run) throws IOException {
        return new Reader(new SeekableFileInput(run.toFile()));
    }

    /** Writes {@code rows} to a run file as they are (uncompressed: it is read back once, soon). */
    void write(Iterator<EncodedRow> rows, Path run) throws IOException {
        try (DataFileWriter<Object> writer = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
            writer.create(schema, run.toFile());
            while (rows.hasNext()) {
                writer.appendEncoded(ByteBuffer.wrap(rows.next().bytes()));
            }
        }
    }

    /** The rows of one file, in the order written. */
    final class Reader implements Iterator<EncodedRow>, Closeable {
        private final DataFileReader<GenericRecord> file;
        private final boolean inPlace;
        private byte[] block;
        private int offset;
        private int limit;
        private long left;
        private RecordEncoder resolved;

        private Reader(SeekableInput input) throws IOException {
            this.file = new DataFileReader<>(input, new GenericDatumReader<>(null, schema));
            this.inPlace = file.getSchema().equals(schema);
        }

        @Override
        public boolean hasNext() {
            if (!inPlace) {
                return file.hasNext();
            }
            try {
                while (left == 0 && file.hasNext()) {
                    ByteBuffer decompressed = file.nextBlock();
                    left = file.getBlockCount();
                    block = decompressed.array();
                    offset = decompressed.arrayOffset() + decompressed.position();
                    limit = decompressed.arrayOffset() + decompressed.limit();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read a block of an Avro file", e);
            }
            return left > 0;
        }

        @Override
        public EncodedRow next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            if (!inPlace) {
                resolved = resolved == null ? new RecordEncoder(schema) : resolved;
                return parse(new AvroCursor(resolved.encode(file.next()), 0));
            }
            AvroCursor in = new AvroCursor(block, offset, limit);
            EncodedRow row = parse(in);
            offset = in.position();
            left--;
            return row;
        }

        @Override
        public void close() {
            try {
                file.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close an Avro file", e);
            }
        }
    }

    /** The row at the cursor, which it leaves at the next row. */
    private EncodedRow parse(AvroCursor in) {
        int start = in.position();
        long position = in.readLong();
        Object pk = stringPk ? in.readString() : (Object) in.readLong();
        long ts = in.readLong();
        in.skipBytes();
        Object clusteringValue = null;
        for (int i = 0; i < scalars.length; i++) {
            if (in.readLong() == 0) {
                continue;
            }
            if (i == clustering) {
                clusteringValue = value(in, scalars[i]);
            } else {
                skip(in, scalars[i]);
            }
        }
        return new EncodedRow(position, pk, ts, clusteringValue, in.copySince(start));
    }

    private static Object value(AvroCursor in, Schema.Type type) {
        return switch (type) {
            case BOOLEAN -> in.readBoolean();
            case INT -> in.readInt();
            case LONG -> in.readLong();
            case FLOAT -> in.readFloat();
            case DOUBLE -> in.readDouble();
            case STRING -> in.readString();
            default -> throw new IllegalArgumentException("no scalar of type " + type + " in an insert log");
        };
    }

    private static void skip(AvroCursor in, Schema.Type type) {
        switch (type) {
            case BOOLEAN -> in.skip(1);
            case INT, LONG -> in.readLong();
            case FLOAT -> in.skip(Float.BYTES);
            case DOUBLE -> in.skip(Double.BYTES);
            case STRING -> in.skipBytes();
            default -> throw new IllegalArgumentException("no scalar of type " + type + " in an insert log");
        }
    }
}
