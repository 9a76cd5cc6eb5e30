package io.segflow.storage;

import org.apache.avro.Schema;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.file.SeekableByteArrayInput;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DatumReader;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Avro object container files in memory: zstd-compressed, self-describing, readable by any Avro tool. */
public final class AvroFiles {
    /** Level 1: vectors of random floats barely compress, and level 3 takes twice as long for 1% less. */
    private static final int ZSTD_LEVEL = 1;
    /** Bytes per compressed block: zstd works faster on large blocks than on Avro's default 64 KB, for the same size. */
    private static final int BLOCK_BYTES = 1 << 20;

    static {
        // A reader takes the codec its file names from Avro's registry, and from nowhere else.
        CodecFactory.addCodec(DataFileConstants.ZSTANDARD_CODEC, ZstdBlockCodec.factory(ZSTD_LEVEL));
    }

    private AvroFiles() {
    }

    public static <T> byte[] write(Schema schema, Iterable<T> records) {
        boolean specific = schema.getFullName().startsWith("io.segflow.schema.");
        return write(schema, specific ? SpecificData.get() : GenericData.get(), new ByteArrayOutputStream(), writer -> {
            for (T record : records) {
                writer.append(record);
            }
        });
    }

    /** A file of records already in {@code schema}'s binary encoding. */
    public static byte[] writeEncoded(Schema schema, List<ByteBuffer> records) {
        // Sized for the records as they are (they hardly compress), so the buffer is not copied as it grows.
        ByteArrayOutputStream out = new ByteArrayOutputStream(records.stream().mapToInt(ByteBuffer::remaining).sum() + 4096);
        return write(schema, GenericData.get(), out, writer -> {
            for (ByteBuffer record : records) {
                writer.appendEncoded(record);
            }
        });
    }

    /** What goes into a file once it is open. */
    private interface Records<T> {
        void appendTo(DataFileWriter<T> writer) throws IOException;
    }

    private static <T> byte[] write(Schema schema, GenericData model, ByteArrayOutputStream out, Records<T> records) {
        try (DataFileWriter<T> writer = new DataFileWriter<T>(new GenericDatumWriter<>(schema, model))) {
            writer.setCodec(ZstdBlockCodec.factory(ZSTD_LEVEL));
            writer.setSyncInterval(BLOCK_BYTES);
            writer.create(schema, out);
            records.appendTo(writer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an Avro file of " + schema.getFullName(), e);
        }
        return out.toByteArray();
    }

    /** Every record of a file, as generic records in the file's own schema. */
    public static <T> List<T> read(byte[] file) {
        return readWith(file, new GenericDatumReader<>());
    }

    /** Every record of a file, resolved from the file's schema to {@code readerSchema} (Avro schema resolution). */
    public static List<GenericRecord> read(byte[] file, Schema readerSchema) {
        return readWith(file, new GenericDatumReader<>(null, readerSchema));
    }

    /** Every record of a file, as instances of a generated type. */
    public static <T> List<T> read(byte[] file, Class<T> type) {
        return readWith(file, new SpecificDatumReader<>(type));
    }

    private static <T> List<T> readWith(byte[] file, DatumReader<T> datumReader) {
        List<T> records = new ArrayList<>();
        try (DataFileReader<T> reader = new DataFileReader<>(new SeekableByteArrayInput(file), datumReader)) {
            reader.forEach(records::add);
        } catch (IOException e) {
            throw new UncheckedIOException("not an Avro object container file", e);
        }
        return records;
    }
}
