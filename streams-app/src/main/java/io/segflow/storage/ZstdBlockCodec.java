package io.segflow.storage;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStream;

import org.apache.avro.file.Codec;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileConstants;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Avro's {@code zstandard} codec, one block in one call. Avro's own codec streams each block through zstd into a buffer
 * that starts at 8 KB and doubles, both ways: for a 1 MB block that is seven copies of what came out so far, and the
 * last ones are arrays the collector allocates outside the young generation. This one compresses into a buffer of
 * zstd's bound kept for the writer's next block (a writer has written a block out before it compresses the next), and
 * decompresses a frame that carries its size straight into a buffer of that size. The frames are zstd's own, so any
 * Avro reader reads what this writes, and this reads what Avro's codec wrote.
 */
public final class ZstdBlockCodec extends Codec {
    /** The largest block decompressed in one call; a block's size is the writer's choice, and the frame says it. */
    private static final long MAX_BLOCK_BYTES = 64L << 20;
    private final int level;
    private byte[] out = new byte[0];
    private byte[] plain = new byte[0];
    private byte[] spare = new byte[0];

    public ZstdBlockCodec(int level) {
        this.level = level;
    }

    /** A factory of codecs at {@code level}: Avro makes one per writer and per reader. */
    static CodecFactory factory(int level) {
        return new CodecFactory() {
            @Override
            protected Codec createInstance() {
                return new ZstdBlockCodec(level);
            }
        };
    }

    @Override
    public String getName() {
        return DataFileConstants.ZSTANDARD_CODEC;
    }

    @Override
    public ByteBuffer compress(ByteBuffer block) throws IOException {
        byte[] in = block.array();
        int offset = block.arrayOffset() + block.position();
        int length = block.remaining();
        int bound = (int) Zstd.compressBound(length);
        if (out.length < bound) {
            out = new byte[bound];
        }
        return ByteBuffer.wrap(out, 0, (int) Zstd.compressByteArray(out, 0, bound, in, offset, length, level));
    }

    /**
     * A block of one frame that carries its size (as this codec writes them) is decompressed in one call into one of
     * two buffers kept for the reader's next blocks: a reader has decoded a block's records, copying their bytes, before
     * it asks for the next, but it may read the next compressed block into the array it was last given, so the output
     * never goes into the array being read. Other blocks, such as the frames Avro's own codec streams without their
     * size, are streamed.
     */
    @Override
    public ByteBuffer decompress(ByteBuffer data) throws IOException {
        byte[] in = data.array();
        int offset = data.arrayOffset() + data.position();
        int length = data.remaining();
        long size = Zstd.getFrameContentSize(in, offset, length);
        if (size >= 0 && size <= MAX_BLOCK_BYTES) {
            if (plain == in) {
                byte[] other = spare;
                spare = plain;
                plain = other;
            }
            if (plain.length < size) {
                plain = new byte[(int) size];
            }
            try {
                return ByteBuffer.wrap(plain, 0, (int) Zstd.decompressByteArray(plain, 0, (int) size, in, offset, length));
            } catch (ZstdException e) {
                // More than one frame: streamed below.
            }
        }
        try (InputStream stream = new ZstdInputStream(new ByteArrayInputStream(in, offset, length))) {
            return ByteBuffer.wrap(stream.readAllBytes());
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ZstdBlockCodec codec && codec.level == level;
    }

    @Override
    public int hashCode() {
        return Integer.hashCode(level);
    }
}
