package io.segflow.compaction;

import io.segflow.schema.DeltaEntry;
import io.segflow.schema.dml.PrimaryKeys;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The newest delete of each key a rewrite applies: a row goes if a delete of its key is newer.
 *
 * <p>A rewrite planned while L0 segments wait applies every delete they hold, a million per
 * channel at ten million rows. Integer keys, the common case, are kept as two primitive arrays,
 * sorted keys and each one's newest position, put in order as an L0 task orders its deletes
 * ({@link KeyOrderedDeletes#keyOrder(long[])}) and looked up by binary search:
 * a hash map of encoded keys took over a second per rewrite to build and held about 120 bytes
 * per delete. Other keys (strings) go into a hash map of plain keys.
 */
abstract sealed class NewestDeletes {
    /** The position of the newest delete of {@code pk} (a plain key: Long or String), or -1 if there is none. */
    abstract long newest(Object pk);

    abstract int size();

    static NewestDeletes of(List<DeltaEntry> deletes) {
        Object[] keys = deletes.stream().map(d -> PrimaryKeys.plain(d.getPk())).toArray();
        long[] positions = deletes.stream().mapToLong(DeltaEntry::getPosition).toArray();
        if (Arrays.stream(keys).allMatch(Long.class::isInstance)) {
            return new ByLongKey(Arrays.stream(keys).mapToLong(Long.class::cast).toArray(), positions);
        }
        Map<Object, Long> newest = new HashMap<>();
        for (int i = 0; i < keys.length; i++) {
            newest.merge(keys[i], positions[i], Math::max);
        }
        return new ByKey(newest);
    }

    private static final class ByLongKey extends NewestDeletes {
        private final long[] keys;
        private final long[] newest;

        ByLongKey(long[] arrivalKeys, long[] positions) {
            int[] order = KeyOrderedDeletes.keyOrder(arrivalKeys);
            long[] distinct = new long[order.length];
            long[] newestOf = new long[order.length];
            int count = 0;
            for (int i : order) {
                if (count == 0 || distinct[count - 1] != arrivalKeys[i]) {
                    distinct[count] = arrivalKeys[i];
                    newestOf[count++] = positions[i];
                } else {
                    newestOf[count - 1] = Math.max(newestOf[count - 1], positions[i]);
                }
            }
            this.keys = Arrays.copyOf(distinct, count);
            this.newest = Arrays.copyOf(newestOf, count);
        }

        @Override
        long newest(Object pk) {
            if (!(pk instanceof Long key)) {
                return -1;
            }
            int slot = Arrays.binarySearch(keys, key);
            return slot < 0 ? -1 : newest[slot];
        }

        @Override
        int size() {
            return keys.length;
        }
    }

    private static final class ByKey extends NewestDeletes {
        private final Map<Object, Long> newest;

        ByKey(Map<Object, Long> newest) {
            this.newest = newest;
        }

        @Override
        long newest(Object pk) {
            return newest.getOrDefault(pk, -1L);
        }

        @Override
        int size() {
            return newest.size();
        }
    }
}
