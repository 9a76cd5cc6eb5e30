package io.segflow.imports;

import io.airlift.compress.Compressor;
import io.airlift.compress.Decompressor;
import io.airlift.compress.lz4.Lz4Compressor;
import io.airlift.compress.lz4.Lz4Decompressor;
import io.airlift.compress.snappy.SnappyCompressor;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.airlift.compress.zstd.ZstdCompressor;
import io.airlift.compress.zstd.ZstdDecompressor;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Parquet's page codecs without Hadoop: parquet-java's own factory reaches every codec through
 * Hadoop's compression interfaces. Snappy (pyarrow's and so Milvus's BulkWriter's default), zstd
 * and LZ4 come from aircompressor (pure Java, which parquet-java already depends on), gzip from
 * the JDK; other codecs are refused by name.
 */
public final class ParquetCodecs implements CompressionCodecFactory {
    public static final ParquetCodecs INSTANCE = new ParquetCodecs();

    private ParquetCodecs() {
    }

    @Override
    public BytesInputCompressor getCompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> compressor(codec, bytes -> bytes);
            case SNAPPY -> airlift(codec, SnappyCompressor::new);
            case ZSTD -> airlift(codec, ZstdCompressor::new);
            case LZ4_RAW -> airlift(codec, Lz4Compressor::new);
            case GZIP -> compressor(codec, bytes -> {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
                    gzip.write(bytes);
                }
                return out.toByteArray();
            });
            default -> throw new UnsupportedOperationException("Parquet codec " + codec + " is not supported (snappy, zstd, lz4_raw and gzip are)");
        };
    }

    @Override
    public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
        return switch (codec) {
            case UNCOMPRESSED -> decompressor((bytes, size) -> bytes);
            case SNAPPY -> airlift(SnappyDecompressor::new);
            case ZSTD -> airlift(ZstdDecompressor::new);
            case LZ4_RAW -> airlift(Lz4Decompressor::new);
            case GZIP -> decompressor((bytes, size) -> {
                try (GZIPInputStream gzip = new GZIPInputStream(new java.io.ByteArrayInputStream(bytes))) {
                    return gzip.readNBytes(size);
                }
            });
            default -> throw new UnsupportedOperationException("Parquet codec " + codec + " is not supported (snappy, zstd, lz4_raw and gzip are)");
        };
    }

    @Override
    public void release() {
    }

    @FunctionalInterface
    private interface Transform {
        byte[] apply(byte[] bytes) throws IOException;
    }

    @FunctionalInterface
    private interface Expand {
        byte[] apply(byte[] bytes, int size) throws IOException;
    }

    private static BytesInputCompressor airlift(CompressionCodecName codec, Supplier<Compressor> compressors) {
        return compressor(codec, bytes -> {
            Compressor compressor = compressors.get();
            byte[] out = new byte[compressor.maxCompressedLength(bytes.length)];
            int length = compressor.compress(bytes, 0, bytes.length, out, 0, out.length);
            return Arrays.copyOf(out, length);
        });
    }

    private static BytesInputDecompressor airlift(Supplier<Decompressor> decompressors) {
        return decompressor((bytes, size) -> {
            byte[] out = new byte[size];
            int length = decompressors.get().decompress(bytes, 0, bytes.length, out, 0, size);
            if (length != size) {
                throw new IOException("a page decompressed to " + length + " bytes, not " + size);
            }
            return out;
        });
    }

    private static BytesInputCompressor compressor(CompressionCodecName codec, Transform transform) {
        return new BytesInputCompressor() {
            @Override
            public BytesInput compress(BytesInput bytes) throws IOException {
                return BytesInput.from(transform.apply(bytes.toByteArray()));
            }

            @Override
            public CompressionCodecName getCodecName() {
                return codec;
            }

            @Override
            public void release() {
            }
        };
    }

    private static BytesInputDecompressor decompressor(Expand expand) {
        return new BytesInputDecompressor() {
            @Override
            public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
                return BytesInput.from(expand.apply(bytes.toByteArray(), uncompressedSize));
            }

            @Override
            public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize) throws IOException {
                byte[] in = new byte[compressedSize];
                input.get(in);
                output.put(expand.apply(in, uncompressedSize));
            }

            @Override
            public void release() {
            }
        };
    }
}
