package io.segflow.ingest;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Which channels of this instance have completed which flush requests. */
public final class FlushTracker {
    private final Map<String, Set<Integer>> done = new ConcurrentHashMap<>();

    public void done(String flushId, int channel) {
        done.computeIfAbsent(flushId, id -> ConcurrentHashMap.newKeySet()).add(channel);
    }

    public Set<Integer> channelsDone(String flushId) {
        return Set.copyOf(done.getOrDefault(flushId, Set.of()));
    }
}
