package io.segflow.segment;

/**
 * Segment ids: a per-channel counter in the high bits, the channel in the low 8, so ids are
 * unique across channels without coordination; the counter lives in the task's changelogged
 * store, so after a crash it resumes exactly where the last commit left it.
 */
public final class SegmentIds {
    public static final int CHANNEL_BITS = 8;

    private SegmentIds() {
    }

    public static long id(long counter, int channel) {
        if (channel < 0 || channel >= 1 << CHANNEL_BITS) {
            throw new IllegalArgumentException("channel " + channel + " does not fit in " + CHANNEL_BITS + " bits");
        }
        return counter << CHANNEL_BITS | channel;
    }
}
