package io.segflow.compaction;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/** Greedy first-fit packing of segments into outputs of a target size, in the order given. */
final class Packer {
    private Packer() {
    }

    /**
     * Puts each item, in order, into the first bin with room for its {@code size}, or a new bin;
     * an item larger than {@code capacity} gets a bin of its own.
     */
    static <T> List<List<T>> pack(List<T> items, ToLongFunction<T> size, long capacity) {
        List<List<T>> bins = new ArrayList<>();
        List<Long> used = new ArrayList<>();
        for (T item : items) {
            long bytes = size.applyAsLong(item);
            int bin = 0;
            while (bin < bins.size() && used.get(bin) + bytes > capacity) {
                bin++;
            }
            if (bin == bins.size()) {
                bins.add(new ArrayList<>());
                used.add(0L);
            }
            bins.get(bin).add(item);
            used.set(bin, used.get(bin) + bytes);
        }
        return bins;
    }
}
