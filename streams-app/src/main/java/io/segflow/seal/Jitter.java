package io.segflow.seal;

/** A fraction in [0, 1) derived from a segment id alone: stable across restarts, spread across ids. */
public final class Jitter {
    private Jitter() {
    }

    public static double fraction(long id) {
        // SplitMix64's finalizer: neighbouring ids land far apart.
        long z = id + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z = z ^ (z >>> 31);
        return (z >>> 11) * 0x1.0p-53;
    }
}
