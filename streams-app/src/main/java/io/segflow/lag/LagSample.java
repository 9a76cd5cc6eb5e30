package io.segflow.lag;

/**
 * One look at a channel: the group's committed offset and the topic's last stable offset (read
 * committed, so a transaction marker never shows as a lag of one), at {@code atMs}.
 */
public record LagSample(long atMs, long committed, long end) {
    public long lag() {
        return Math.max(0, end - committed);
    }
}
