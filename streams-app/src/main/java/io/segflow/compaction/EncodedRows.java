package io.segflow.compaction;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.FieldSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
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
import java.util.NoSuchElementException;

/**
 * Reads and writes the rows of insert logs and spilled runs as {@link EncodedRow}s. A file in the
 * rewrite's schema is read a decompressed block at a time, each row's fields found in place and
 * its bytes copied as they are, so a rewrite neither decodes a row into a record nor encodes it
 * again. A file in another schema (written before the collection's last schema change) is
 * resolved to the rewrite's row by row, as Avro resolves it, and encoded in that schema.
 */
final class EncodedRows {
    private final Schema schema;
    private final boolean stringPk;
    /** The collection's scalars, each written as a union of null and its type after the vector. */
    private final ScalarType[] scalars;
    /** Which of them is the clustering key, or -1. */
    private final int clustering;

    /**
     * Rows in the collection's insert-log schema of now ({@link DmlSchemas#insertLog}).
     *
     * @param clusteringKey the scalar whose values rows are ordered by first, or null
     */
    EncodedRows(CollectionSpec spec, String clusteringKey) {
        this.schema = DmlSchemas.insertLog(spec);
        this.stringPk = spec.getPkType() != PkType.INT64;
        this.scalars = spec.getFields().stream().map(FieldSpec::getType).toArray(ScalarType[]::new);
        this.clustering = clusteringKey == null ? -1 : spec.getFields().stream().map(FieldSpec::getName).toList().indexOf(clusteringKey);
        if (clusteringKey != null && clustering < 0) {
            throw new IllegalArgumentException("clustering key " + clusteringKey + " is not a scalar field of " + spec.getName());
        }
    }

    Schema schema() {
        return schema;
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
            if (!in.readNullUnion()) {
                continue;
            }
            if (i == clustering) {
                clusteringValue = in.readScalar(scalars[i]);
            } else {
                in.skipScalar(scalars[i]);
            }
        }
        return new EncodedRow(position, pk, ts, clusteringValue, in.copySince(start));
    }
}
