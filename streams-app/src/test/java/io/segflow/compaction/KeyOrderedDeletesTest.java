package io.segflow.compaction;

import com.google.common.hash.BloomFilter;
import com.google.common.hash.Funnels;
import io.segflow.schema.DeltaEntry;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.segment.PkRange;
import io.segflow.storage.KeyBloom;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.LongFunction;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class KeyOrderedDeletesTest {
    private final Random random = new Random(11);

    @Test
    void routesLongKeysExactlyAsCheckingEveryDeleteAgainstEveryTarget() throws IOException {
        assertSameAsEveryDeleteAgainstEveryTarget(pk -> pk, 500, 0);
    }

    @Test
    void routesTargetsOfKeysFromAllOverHoldingRecentRowsExactlyAsCheckingEveryDelete() throws IOException {
        // Few deletes are newer than such a target's rows and nearly all keys are in its range: found by position.
        assertSameAsEveryDeleteAgainstEveryTarget(pk -> pk, 20_000, 900);
        assertSameAsEveryDeleteAgainstEveryTarget(pk -> "k" + pk, 20_000, 900);
        assertSameAsEveryDeleteAgainstEveryTarget(pk -> pk, 20_000, 900, true);
    }

    @Test
    void routesStringKeysInTheirOwnOrder() throws IOException {
        // "k10" < "k9": the range and the search must both order by string, not by number.
        assertSameAsEveryDeleteAgainstEveryTarget(pk -> "k" + pk, 500, 0);
    }

    @Test
    void keepsTheOrderTheDeletesCameInAndTheirRepeatedKeys() throws IOException {
        List<DeltaEntry> deletes = List.of(delete(30L, 5), delete(10L, 6), delete(20L, 7), delete(10L, 8), delete(40L, 9));
        KeyBloom all = bloom(List.of(10L, 20L, 30L, 40L));

        List<DeltaEntry> reaching = new KeyOrderedDeletes(deletes).reaching(new PkRange(10L, 30L), 5, all);

        assertThat(reaching).containsExactly(delete(10L, 6), delete(20L, 7), delete(10L, 8));
        assertThat(new KeyOrderedDeletes(deletes).reaching(new PkRange(), 8, all)).containsExactly(delete(40L, 9));
        assertThat(new KeyOrderedDeletes(deletes).reaching(new PkRange(11L, 19L), 0, all)).isEmpty();
        assertThat(new KeyOrderedDeletes(deletes).reaching(new PkRange(35L, null), 8, all)).containsExactly(delete(40L, 9));
        assertThat(new KeyOrderedDeletes(deletes).reaching(new PkRange(null, 15L), 8, all)).containsExactly(delete(40L, 9));
    }

    @Test
    void ordersIntegerKeysAsAStableSortWouldWithRepeatsInTheOrderTheyCame() {
        // Few distinct keys, negative and positive, so that most keys repeat.
        Object[] keys = random.longs(5_000, -300, 300).boxed().toArray();

        int[] order = KeyOrderedDeletes.keyOrder(keys);

        List<Integer> stable = IntStream.range(0, keys.length).boxed().sorted(Comparator.comparing(i -> (Long) keys[i])).toList();
        assertThat(order).containsExactly(stable.stream().mapToInt(Integer::intValue).toArray());
        assertThat(KeyOrderedDeletes.keyOrder(new Object[] {7L, "k", 3L})).containsExactly(2, 0, 1);
    }

    /** Targets of 100 keys within {@code spread} keys of a random first one, holding rows newer than {@code oldest} or later. */
    private void assertSameAsEveryDeleteAgainstEveryTarget(LongFunction<Object> key, int spread, int oldest) throws IOException {
        assertSameAsEveryDeleteAgainstEveryTarget(key, spread, oldest, false);
    }

    /** As above, the deletes in position order (as an L0 task reads them) if {@code inPositionOrder}, else in random order. */
    private void assertSameAsEveryDeleteAgainstEveryTarget(LongFunction<Object> key, int spread, int oldest, boolean inPositionOrder)
            throws IOException {
        List<DeltaEntry> deletes = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            deletes.add(delete(key.apply(random.nextInt(20_000)), inPositionOrder ? i / 5 : random.nextInt(1_000)));
        }
        KeyOrderedDeletes byKey = new KeyOrderedDeletes(deletes);
        int routed = 0;
        for (int target = 0; target < 200; target++) {
            long low = random.nextInt(20_000);
            List<Object> rows = new ArrayList<>();
            PkRange range = new PkRange();
            for (int r = 0; r < 100; r++) {
                Object pk = key.apply((low + random.nextInt(spread)) % 20_000);
                rows.add(pk);
                range.add(pk);
            }
            KeyBloom bloom = bloom(rows);
            long after = oldest + random.nextInt(1_000 - oldest);

            List<DeltaEntry> expected = deletes.stream().filter(d -> d.getPosition() > after
                    && range.mayHold(PrimaryKeys.plain(d.getPk())) && bloom.mightContain(PrimaryKeys.encode(PrimaryKeys.plain(d.getPk())))).toList();

            assertThat(byKey.reaching(range, after, bloom)).as("target %d", target).isEqualTo(expected);
            routed += expected.size();
        }
        assertThat(routed).as("deletes routed over all targets").isPositive();
    }

    private static DeltaEntry delete(Object pk, long position) {
        return DeltaEntry.newBuilder().setPk(pk).setPosition(position).build();
    }

    private static KeyBloom bloom(List<?> keys) throws IOException {
        BloomFilter<byte[]> filter = BloomFilter.create(Funnels.byteArrayFunnel(), keys.size(), 0.01);
        keys.forEach(pk -> filter.put(PrimaryKeys.encode(pk)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        filter.writeTo(out);
        return KeyBloom.read(ByteBuffer.wrap(out.toByteArray()));
    }
}
