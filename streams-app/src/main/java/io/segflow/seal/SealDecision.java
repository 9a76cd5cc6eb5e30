package io.segflow.seal;

/** Seal segment {@code segmentId} because policy {@code reason} fired. */
public record SealDecision(long segmentId, SealReason reason) {
}
