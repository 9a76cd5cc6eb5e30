package io.segflow.ingest;

import java.util.Set;

/** A flush request whose channels did not all flush in time: the API answers 504 with what is pending. */
public final class FlushTimeoutException extends RuntimeException {
    private final String flushId;
    private final Set<Integer> channelsPending;

    public FlushTimeoutException(String message, String flushId, Set<Integer> channelsPending) {
        super(message);
        this.flushId = flushId;
        this.channelsPending = Set.copyOf(channelsPending);
    }

    public String flushId() {
        return flushId;
    }

    public Set<Integer> channelsPending() {
        return channelsPending;
    }
}
