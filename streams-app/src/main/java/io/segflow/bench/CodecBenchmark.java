package io.segflow.bench;

import io.segflow.storage.ZstdBlockCodec;

import org.apache.avro.file.Codec;
import org.apache.avro.file.ZstandardCodec;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;

/**
 * {@code segflow bench codec}: the insert logs' block codec alone, on one thread. Blocks of float32 vectors (normally
 * distributed, which compress a little, as embeddings do) are compressed and decompressed round after round by Avro's
 * own {@code zstandard} codec and by {@link ZstdBlockCodec}, which the files are written and read with, in turn, so
 * that both meet the same machine state. Each round gives the CPU per MB of blocks, and the compressed size.
 */
public final class CodecBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int LEVEL = 1;
    private static final double MB = 1024 * 1024;

    /** One codec's measured rounds: CPU per MB compressing and decompressing, and the bytes it compressed a round to. */
    public record Figures(String codec, Spread compressMsPerMb, Spread decompressMsPerMb, long compressedBytes) {
        void print(PrintStream out) {
            out.printf("  %-28s compress median %.2f ms of CPU per MB (%.2f-%.2f), decompress %.2f (%.2f-%.2f), compressed to %,d bytes%n",
                    codec, compressMsPerMb.median(), compressMsPerMb.min(), compressMsPerMb.max(), decompressMsPerMb.median(),
                    decompressMsPerMb.min(), decompressMsPerMb.max(), compressedBytes);
        }
    }

    public record Result(int blocks, int blockBytes, int rounds, Figures avro, Figures ours) {
        public void print(PrintStream out) {
            out.printf("codec: %d blocks of %,d bytes of float32 vectors, zstd level %d, one thread, %d rounds each in turn%n",
                    blocks, blockBytes, LEVEL, rounds);
            avro.print(out);
            ours.print(out);
            out.printf("  ratio of CPU, ZstdBlockCodec / Avro's: compress %.2f, decompress %.2f%n",
                    ours.compressMsPerMb.median() / avro.compressMsPerMb.median(), ours.decompressMsPerMb.median() / avro.decompressMsPerMb.median());
        }
    }

    private CodecBenchmark() {
    }

    public static Result run(int blocks, int blockBytes, int warmupRounds, int rounds, PrintStream progress) throws IOException {
        List<ByteBuffer> plain = vectors(blocks, blockBytes);
        List<Supplier<Codec>> codecs = List.of(() -> new ZstandardCodec(LEVEL, false, false), () -> new ZstdBlockCodec(LEVEL));
        double[][] compress = new double[2][rounds];
        double[][] decompress = new double[2][rounds];
        long[] compressed = new long[2];
        for (int round = 0; round < warmupRounds + rounds; round++) {
            for (int c = 0; c < codecs.size(); c++) {
                Codec codec = codecs.get(c).get();
                long start = THREADS.getCurrentThreadCpuTime();
                List<ByteBuffer> blocksOut = new ArrayList<>();
                long bytes = 0;
                for (ByteBuffer block : plain) {
                    // the codec may keep its output buffer for the next block, as a writer's does
                    ByteBuffer out = codec.compress(block.duplicate());
                    blocksOut.add(ByteBuffer.wrap(Arrays.copyOfRange(out.array(), out.arrayOffset() + out.position(),
                            out.arrayOffset() + out.limit())));
                    bytes += out.remaining();
                }
                long compressedAt = THREADS.getCurrentThreadCpuTime();
                for (int b = 0; b < blocksOut.size(); b++) {
                    if (!codec.decompress(blocksOut.get(b)).equals(plain.get(b))) {
                        throw new IllegalStateException(codec.getClass().getSimpleName() + " did not give block " + b + " back");
                    }
                }
                long end = THREADS.getCurrentThreadCpuTime();
                if (round >= warmupRounds) {
                    double megabytes = (double) blocks * blockBytes / MB;
                    compress[c][round - warmupRounds] = (compressedAt - start) / 1e6 / megabytes;
                    decompress[c][round - warmupRounds] = (end - compressedAt) / 1e6 / megabytes;
                }
                compressed[c] = bytes;
            }
            progress.printf("round %d done%n", round);
        }
        return new Result(blocks, blockBytes, rounds,
                new Figures("Avro's ZstandardCodec", Spread.of(compress[0]), Spread.of(decompress[0]), compressed[0]),
                new Figures("ZstdBlockCodec", Spread.of(compress[1]), Spread.of(decompress[1]), compressed[1]));
    }

    private static List<ByteBuffer> vectors(int blocks, int blockBytes) {
        Random random = new Random(blockBytes);
        List<ByteBuffer> plain = new ArrayList<>();
        for (int b = 0; b < blocks; b++) {
            ByteBuffer block = ByteBuffer.allocate(blockBytes).order(ByteOrder.LITTLE_ENDIAN);
            while (block.remaining() >= Float.BYTES) {
                block.putFloat((float) random.nextGaussian());
            }
            plain.add(block.clear());
        }
        return plain;
    }
}
