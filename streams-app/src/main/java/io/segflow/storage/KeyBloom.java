package io.segflow.storage;

import com.google.common.hash.Hashing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A stats log's primary-key bloom filter in the form Guava's {@code BloomFilter.writeTo} gives it: built as a
 * segment's rows are written, read back from its stats log, and asked with a key hashed once for any number of
 * filters.
 *
 * <p>An L0 delete checks every delete against every target segment: with Guava's filter each
 * check hashes the key again (murmur3, ~30 ns), which at 750k deletes and 2,000 targets is most of
 * the task. Milvus hashes a key's bit locations once per delete for the same reason. Guava's
 * serialized form is stable (filters are persisted across releases); this reads its one strategy,
 * {@code MURMUR128_MITZ_64}, and answers exactly as Guava's {@code mightContain} does.
 *
 * <p>It is also built here rather than through Guava's filter, whose bit array is made for concurrent writers
 * (a compare-and-set and a {@code LongAdder} increment per bit): a segment's filter has one writer, and in a
 * compaction worker's profile Guava's {@code put} took a seventh of the samples. {@link #create} sizes it as
 * {@code BloomFilter.create} does, and {@link #serialized} writes the same bytes.
 */
public final class KeyBloom {
    /** Ordinal of Guava's {@code BloomFilterStrategies.MURMUR128_MITZ_64}, the strategy of {@code BloomFilter.create}. */
    private static final int MURMUR128_MITZ_64 = 1;
    /** The serialized form keeps the count in one unsigned byte. */
    private static final int MAX_HASH_FUNCTIONS = 255;

    /** A key's murmur3_128 hash, split into the two halves the strategy combines. */
    public record Probe(long low, long high) {
        public static Probe of(byte[] key) {
            ByteBuffer hash = ByteBuffer.wrap(Hashing.murmur3_128().hashBytes(key).asBytes()).order(ByteOrder.LITTLE_ENDIAN);
            return new Probe(hash.getLong(0), hash.getLong(8));
        }
    }

    private final long[] bits;
    private final long bitSize;
    private final int hashFunctions;

    /** An empty filter for {@code expectedKeys} keys at false-positive rate {@code fpp}, sized as Guava's {@code BloomFilter.create}. */
    public static KeyBloom create(long expectedKeys, double fpp) {
        if (expectedKeys < 0 || !(fpp > 0 && fpp < 1)) {
            throw new IllegalArgumentException("a bloom filter for " + expectedKeys + " keys at false-positive rate " + fpp);
        }
        long keys = Math.max(1, expectedKeys);
        long bits = (long) (-keys * Math.log(fpp) / (Math.log(2) * Math.log(2)));
        long longs = Math.max(1, (bits + Long.SIZE - 1) / Long.SIZE);
        if (longs > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a bloom filter of " + bits + " bits is too large");
        }
        int hashFunctions = Math.max(1, (int) Math.round(-Math.log(fpp) / Math.log(2)));
        if (hashFunctions > MAX_HASH_FUNCTIONS) {
            throw new IllegalArgumentException("a false-positive rate of " + fpp + " needs more than " + MAX_HASH_FUNCTIONS + " hash functions");
        }
        return new KeyBloom(new long[(int) longs], hashFunctions);
    }

    private KeyBloom(long[] bits, int hashFunctions) {
        this.bits = bits;
        this.bitSize = (long) bits.length * Long.SIZE;
        this.hashFunctions = hashFunctions;
    }

    /** Reads a filter Guava wrote (strategy byte, hash function count, long count, big-endian longs). */
    public static KeyBloom read(ByteBuffer serialized) {
        ByteBuffer in = serialized.duplicate().order(ByteOrder.BIG_ENDIAN);
        int strategy = in.get();
        if (strategy != MURMUR128_MITZ_64) {
            throw new IllegalArgumentException("bloom filter strategy " + strategy + " is not murmur128_mitz_64");
        }
        int hashFunctions = Byte.toUnsignedInt(in.get());
        int longs = in.getInt();
        if (longs <= 0 || longs > in.remaining() / Long.BYTES) {
            throw new IllegalArgumentException("bloom filter of " + longs + " words in " + in.remaining() + " bytes");
        }
        long[] bits = new long[longs];
        in.asLongBuffer().get(bits);
        return new KeyBloom(bits, hashFunctions);
    }

    /** Adds {@code key}; a filter has one writer. */
    public void put(byte[] key) {
        Probe probe = Probe.of(key);
        long combined = probe.low();
        for (int i = 0; i < hashFunctions; i++) {
            long index = index(combined);
            bits[(int) (index >>> 6)] |= 1L << index;
            combined += probe.high();
        }
    }

    /** The filter as a stats log keeps it: what Guava's {@code writeTo} writes and {@link #read} reads. */
    public byte[] serialized() {
        ByteBuffer out = ByteBuffer.allocate(2 + Integer.BYTES + bits.length * Long.BYTES).order(ByteOrder.BIG_ENDIAN);
        out.put((byte) MURMUR128_MITZ_64).put((byte) hashFunctions).putInt(bits.length);
        out.asLongBuffer().put(bits);
        return out.array();
    }

    public boolean mightContain(byte[] key) {
        return mightContain(Probe.of(key));
    }

    public boolean mightContain(Probe probe) {
        return mightContain(probe.low(), probe.high());
    }

    /** Asks with a {@link Probe}'s two halves, for callers that keep many of them in flat arrays. */
    public boolean mightContain(long low, long high) {
        // Most keys a filter does not hold miss one of the first two bits: test both without a
        // branch between them, since which one misses cannot be predicted.
        long first = index(low);
        long second = index(low + high);
        if (hashFunctions >= 2 && ((bits[(int) (first >>> 6)] >>> first) & (bits[(int) (second >>> 6)] >>> second) & 1) == 0) {
            return false;
        }
        long combined = low;
        for (int i = 0; i < hashFunctions; i++) {
            long index = index(combined);
            if ((bits[(int) (index >>> 6)] & (1L << index)) == 0) {
                return false;
            }
            combined += high;
        }
        return true;
    }

    /** The bit the strategy sets or tests for one of a key's combined hashes. */
    private long index(long combined) {
        return (combined & Long.MAX_VALUE) % bitSize;
    }

    /** Heap the filter's bits hold. */
    public int bytes() {
        return bits.length * Long.BYTES;
    }
}
