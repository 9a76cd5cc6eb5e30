package io.segflow.segment;

/**
 * The smallest and largest primary key seen. Longs order numerically, Strings by UTF-16 code
 * unit, as Milvus orders int64 and varchar keys.
 */
public final class PkRange {
    private Object min;
    private Object max;

    public PkRange() {
    }

    public PkRange(Object min, Object max) {
        this.min = min;
        this.max = max;
    }

    public void add(Object pk) {
        if (min == null || compare(pk, min) < 0) {
            min = pk;
        }
        if (max == null || compare(pk, max) > 0) {
            max = pk;
        }
    }

    public Object min() {
        return min;
    }

    public Object max() {
        return max;
    }

    /** Whether {@code pk} may lie in this range: a range never seen (no bounds) may hold any key. */
    public boolean mayHold(Object pk) {
        return min == null || max == null || compare(pk, min) >= 0 && compare(pk, max) <= 0;
    }

    public static int compare(Object a, Object b) {
        if (a instanceof Long x && b instanceof Long y) {
            return Long.compare(x, y);
        }
        return a.toString().compareTo(b.toString());
    }
}
