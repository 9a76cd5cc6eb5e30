package io.segflow.read;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest delete of each key in a channel's flushed delta logs, merged once and shared by
 * reads for as long as the channel's set of delta logs stays the same. A read that finds new
 * delta logs merges them into a copy; one that finds some gone (compacted away) merges afresh.
 */
final class FlushedDeletes {
    private record Merged(Set<String> paths, Map<ByteBuffer, Long> newest) {
    }

    private final DecodedFiles files;
    private final Map<String, Merged> channels = new ConcurrentHashMap<>();

    FlushedDeletes(DecodedFiles files) {
        this.files = files;
    }

    /** Key → newest delete position over {@code paths}, the delta logs of channel {@code channel} of {@code collection}; not to be changed. */
    Map<ByteBuffer, Long> of(String collection, int channel, List<String> paths) {
        String key = collection + "/" + channel;
        Set<String> wanted = Set.copyOf(paths);
        Merged merged = channels.get(key);
        if (merged != null && merged.paths().equals(wanted)) {
            return merged.newest();
        }
        boolean grown = merged != null && wanted.containsAll(merged.paths());
        Map<ByteBuffer, Long> newest = grown ? new HashMap<>(merged.newest()) : new HashMap<>();
        for (String path : paths) {
            if (!grown || !merged.paths().contains(path)) {
                files.deltaLog(path).mergeInto(newest);
            }
        }
        channels.put(key, new Merged(wanted, newest));
        return newest;
    }
}
