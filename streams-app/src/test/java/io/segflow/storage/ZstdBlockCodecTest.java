package io.segflow.storage;

import com.github.luben.zstd.Zstd;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileConstants;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ZstdBlockCodecTest {
    private static final Schema SCHEMA = SchemaBuilder.record("Row").fields().requiredLong("pk").requiredBytes("vector").endRecord();
    private static final int LEVEL = 1;

    /** Five blocks of 1 MB and a part, of vectors that compress a little, as embeddings do. */
    private static List<GenericRecord> rows() {
        List<GenericRecord> rows = new ArrayList<>();
        for (long pk = 0; pk < 10_000; pk++) {
            GenericRecord row = new GenericData.Record(SCHEMA);
            row.put("pk", pk);
            row.put("vector", ByteBuffer.wrap(compressible(512, pk)));
            rows.add(row);
        }
        return rows;
    }

    @Test
    void aFileItWritesReadsBackThroughAvrosOwnCodecAndThroughIt() {
        List<GenericRecord> rows = rows();
        byte[] file = AvroFiles.write(SCHEMA, rows);

        CodecFactory.addCodec(DataFileConstants.ZSTANDARD_CODEC, CodecFactory.zstandardCodec(LEVEL));
        List<GenericRecord> byAvro;
        try {
            byAvro = AvroFiles.read(file);
        } finally {
            CodecFactory.addCodec(DataFileConstants.ZSTANDARD_CODEC, ZstdBlockCodec.factory(LEVEL));
        }
        assertThat(byAvro).isEqualTo(rows);
        assertThat(AvroFiles.<GenericRecord>read(file)).isEqualTo(rows);
    }

    @Test
    void aFileAvrosOwnCodecWroteReadsBack() throws Exception {
        List<GenericRecord> rows = rows();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<>(SCHEMA))) {
            writer.setCodec(CodecFactory.zstandardCodec(LEVEL));
            writer.setSyncInterval(1 << 20);
            writer.create(SCHEMA, out);
            for (GenericRecord row : rows) {
                writer.append(row);
            }
        }

        assertThat(AvroFiles.<GenericRecord>read(out.toByteArray())).isEqualTo(rows);
    }

    /** As a reader does: each compressed block is read into the array the codec gave it for the block before. */
    @Test
    void blocksReadIntoTheArrayOfTheLastOneAreDecompressedIntoTwoBuffersInTurn() throws Exception {
        ZstdBlockCodec codec = new ZstdBlockCodec(LEVEL);
        List<ByteBuffer> outputs = new ArrayList<>();
        byte[] input = new byte[0];
        for (int block = 0; block < 4; block++) {
            byte[] plain = compressible(1 << 20, block);
            byte[] compressed = Zstd.compress(plain, LEVEL);
            if (input.length < compressed.length) {
                input = new byte[compressed.length];
            }
            System.arraycopy(compressed, 0, input, 0, compressed.length);

            ByteBuffer output = codec.decompress(ByteBuffer.wrap(input, 0, compressed.length));

            assertThat(output).isEqualTo(ByteBuffer.wrap(plain));
            assertThat(output.array()).isNotSameAs(input);
            outputs.add(output);
            input = output.array();
        }
        assertThat(outputs.get(2).array()).isSameAs(outputs.get(0).array());
        assertThat(outputs.get(3).array()).isSameAs(outputs.get(1).array());
    }

    private static byte[] compressible(int size, long seed) {
        Random random = new Random(seed);
        ByteBuffer floats = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        while (floats.hasRemaining()) {
            floats.putFloat((float) random.nextGaussian());
        }
        return floats.array();
    }

    @Test
    void aBlockOfTwoFramesIsDecompressedWhole() throws Exception {
        byte[] first = new byte[300_000];
        byte[] second = new byte[200_000];
        new Random(3).nextBytes(first);
        new Random(4).nextBytes(second);
        byte[] a = Zstd.compress(first, LEVEL);
        byte[] b = Zstd.compress(second, LEVEL);
        byte[] block = new byte[a.length + b.length];
        System.arraycopy(a, 0, block, 0, a.length);
        System.arraycopy(b, 0, block, a.length, b.length);

        ByteBuffer plain = new ZstdBlockCodec(LEVEL).decompress(ByteBuffer.wrap(block));

        byte[] expected = new byte[first.length + second.length];
        System.arraycopy(first, 0, expected, 0, first.length);
        System.arraycopy(second, 0, expected, first.length, second.length);
        assertThat(plain).isEqualTo(ByteBuffer.wrap(expected));
    }
}
