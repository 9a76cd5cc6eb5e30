package io.segflow.seal;

/**
 * Deletes of a channel not yet applied to older segments: an L0 segment, or the L0 buffer.
 * The blocking-L0 rule counts a batch against a growing segment when it holds deletes newer
 * than the segment's start.
 */
public record L0Batch(long minPosition, long maxPosition, long entries, long bytes) {
}
