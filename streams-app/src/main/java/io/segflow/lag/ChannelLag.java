package io.segflow.lag;

/**
 * A channel's lag as {@code GET /collections/C/lag} shows it.
 *
 * @param owner      the instance whose Streams task holds the channel ({@code host:port}), or null if no live member of the group does now
 * @param lagSeconds age of the oldest record not yet processed, 0 when caught up
 */
public record ChannelLag(int channel, String owner, long committed, long end, long lag, double lagSeconds, LagStatus status) {
}
