package io.segflow.compaction;

import io.segflow.schema.DeltaEntry;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.segment.PkRange;
import io.segflow.storage.KeyBloom;

import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * An L0 delete task's deletes, ordered by key and each hashed once, so that routing them to a
 * target segment looks only at the keys inside the target's key range.
 *
 * <p>Checking every delete against every target costs deletes x targets: at ten million rows,
 * 750,000 deletes against 2,000 targets. Segments flushed in key order hold narrow ranges, and a
 * binary search for the range leaves a few hundred keys to check; a segment of keys from all over
 * (upserts) still checks them all, so positions and hashes sit in flat arrays in key order and a
 * check is a comparison and a bloom probe on memory read in sequence.
 */
final class KeyOrderedDeletes {
    private final List<DeltaEntry> deletes;
    /** Indexes into {@link #deletes} in key order, and each one's key, position and hash halves in the same order. */
    private final int[] byKey;
    private final Object[] keys;
    private final long[] positions;
    private final long[] hashLows;
    private final long[] hashHighs;

    KeyOrderedDeletes(List<DeltaEntry> deletes) {
        this.deletes = List.copyOf(deletes);
        Object[] plain = this.deletes.stream().map(d -> PrimaryKeys.plain(d.getPk())).toArray();
        this.byKey = IntStream.range(0, plain.length).boxed().sorted(Comparator.comparing(i -> plain[i], PkRange::compare))
                .mapToInt(Integer::intValue).toArray();
        this.keys = new Object[byKey.length];
        this.positions = new long[byKey.length];
        this.hashLows = new long[byKey.length];
        this.hashHighs = new long[byKey.length];
        for (int i = 0; i < byKey.length; i++) {
            keys[i] = plain[byKey[i]];
            positions[i] = this.deletes.get(byKey[i]).getPosition();
            KeyBloom.Probe probe = KeyBloom.Probe.of(PrimaryKeys.encode(keys[i]));
            hashLows[i] = probe.low();
            hashHighs[i] = probe.high();
        }
    }

    /**
     * The deletes that can reach a segment: newer than {@code after}, with a key in {@code range}
     * that {@code bloom} may hold (it has no false negatives, so no delete is lost); in the order
     * they were given.
     */
    List<DeltaEntry> reaching(PkRange range, long after, KeyBloom bloom) {
        // A range missing either bound may hold any key (PkRange.mayHold).
        boolean bounded = range.min() != null && range.max() != null;
        int from = bounded ? firstAbove(range.min(), false) : 0;
        int to = bounded ? firstAbove(range.max(), true) : keys.length;
        IntStream.Builder hits = IntStream.builder();
        for (int i = from; i < to; i++) {
            if (positions[i] > after && bloom.mightContain(hashLows[i], hashHighs[i])) {
                hits.add(byKey[i]);
            }
        }
        return hits.build().sorted().mapToObj(deletes::get).toList();
    }

    /** The first index whose key is above {@code pk}, or at or above it unless {@code inclusive}. */
    private int firstAbove(Object pk, boolean inclusive) {
        int low = 0;
        int high = keys.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            int c = PkRange.compare(keys[mid], pk);
            if (c < 0 || c == 0 && inclusive) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }
}
