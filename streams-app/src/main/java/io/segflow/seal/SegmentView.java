package io.segflow.seal;

/** What a seal policy knows of a growing segment. Positions are offsets of the channel. */
public record SegmentView(long id, String partition, long rows, long bytes, long minPosition, long createdAtMs, long lastWriteMs) {
}
