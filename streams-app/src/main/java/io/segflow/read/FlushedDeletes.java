package io.segflow.read;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The newest delete of each key in a channel's flushed delta logs, merged once and shared by
 * reads for as long as the channel's set of delta logs stays the same. A read that finds new
 * delta logs merges them into a copy; one that finds some gone (compacted away) merges afresh.
 * The merged maps are held with the decoded files, against {@code read.memory.bytes}: a channel
 * with millions of flushed deletes holds hundreds of MB.
 */
final class FlushedDeletes {
    /** What a merged key costs the heap: its buffer and array, a map node and a boxed position. */
    private static final int BYTES_PER_DELETE = 120;

    private record Merged(Set<String> paths, Map<ByteBuffer, Long> newest) implements DecodedFiles.Weighted {
        @Override
        public int weight() {
            return (int) Math.min(Integer.MAX_VALUE, (long) newest.size() * BYTES_PER_DELETE + paths.size() * 100L);
        }
    }

    private final DecodedFiles files;

    FlushedDeletes(DecodedFiles files) {
        this.files = files;
    }

    /** Key → newest delete position over {@code paths}, the delta logs of channel {@code channel} of {@code collection}; not to be changed. */
    Map<ByteBuffer, Long> of(String collection, int channel, List<String> paths) {
        String key = "deletes:" + collection + "/" + channel;
        Set<String> wanted = Set.copyOf(paths);
        Merged merged = (Merged) files.entry(key);
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
        files.keep(key, new Merged(wanted, newest));
        return newest;
    }
}
