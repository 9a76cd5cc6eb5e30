package io.segflow.storage;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import io.segflow.schema.dml.PrimaryKeys;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyBloomTest {
    @Test
    void answersEveryKeyExactlyAsGuavasFilterDoes() throws IOException {
        Random random = new Random(7);
        for (int size : new int[] {1, 100, 10_000}) {
            BloomFilter<byte[]> guava = BloomFilter.create(Funnels.byteArrayFunnel(), size, 0.001);
            for (int i = 0; i < size; i++) {
                guava.put(PrimaryKeys.encode((long) random.nextInt(5 * size)));
            }
            guava.put("a string key".getBytes(StandardCharsets.UTF_8));
            KeyBloom ours = KeyBloom.read(ByteBuffer.wrap(serialized(guava)));
            int hits = 0;
            for (long pk = -10; pk < 10L * size; pk++) {
                byte[] key = PrimaryKeys.encode(pk);
                boolean expected = guava.mightContain(key);
                assertThat(ours.mightContain(KeyBloom.Probe.of(key))).as("key %d of a filter of %d", pk, size).isEqualTo(expected);
                hits += expected ? 1 : 0;
            }
            assertThat(hits).as("keys the filter holds").isPositive();
            assertThat(ours.mightContain("a string key".getBytes(StandardCharsets.UTF_8))).isTrue();
        }
    }

    @Test
    void buildsTheBytesGuavasFilterWrites() throws IOException {
        Random random = new Random(11);
        for (double fpp : new double[] {0.1, 0.01, 0.001, 0.0001}) {
            for (int size : new int[] {0, 1, 7, 100, 10_000, 150_000}) {
                BloomFilter<byte[]> guava = BloomFilter.create(Funnels.byteArrayFunnel(), size, fpp);
                KeyBloom ours = KeyBloom.create(size, fpp);
                for (int i = 0; i < size; i++) {
                    byte[] key = i % 10 == 0 ? ("key " + random.nextInt()).getBytes(StandardCharsets.UTF_8)
                            : PrimaryKeys.encode(random.nextLong());
                    guava.put(key);
                    ours.put(key);
                }
                assertThat(ours.serialized()).as("%d keys at %s", size, fpp).isEqualTo(serialized(guava));
            }
        }
    }

    @Test
    void refusesASizeOrRateGuavaWouldRefuse() {
        assertThatThrownBy(() -> KeyBloom.create(-1, 0.01)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyBloom.create(10, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyBloom.create(10, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyBloom.create(10, 1e-80)).hasMessageContaining("hash functions");
    }

    @Test
    void refusesAFilterOfAnotherStrategyOrCutShort() throws IOException {
        byte[] bytes = serialized(BloomFilter.create(Funnels.byteArrayFunnel(), 100, 0.01));
        byte[] otherStrategy = bytes.clone();
        otherStrategy[0] = 0;
        assertThatThrownBy(() -> KeyBloom.read(ByteBuffer.wrap(otherStrategy))).hasMessageContaining("strategy 0");
        assertThatThrownBy(() -> KeyBloom.read(ByteBuffer.wrap(bytes, 0, bytes.length - 8))).hasMessageContaining("words");
    }

    private static byte[] serialized(BloomFilter<byte[]> filter) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        filter.writeTo(out);
        return out.toByteArray();
    }
}
