package io.segflow.gc;

import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentState;
import io.segflow.storage.ObjectPaths;
import io.segflow.storage.StoredObject;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which objects of a channel garbage collection may delete, decided from values alone.
 * <ul>
 *   <li>A Dropped segment's files go once it has been Dropped for the grace period, unless a read
 *       pins one of them, or its objects may still be written or read by work in progress (the
 *       target of a running L0 delete, whose files it reads). A file a live segment names too (a
 *       delta log a compaction carried onto its output) stays: only the segment's own files go.</li>
 *   <li>An orphan is an object under the channel that no segment names (from a crashed upload or a
 *       rejected compaction). It goes once older than the orphan grace period, unless it lies
 *       under a segment being written or a read pins it.</li>
 * </ul>
 */
public final class CollectionDecisions {
    private CollectionDecisions() {
    }

    /** The files to delete for a Dropped segment; the segment's tombstone follows once all of them are gone. */
    public record Removal(long segmentId, List<String> files) {
    }

    /**
     * @param settled    the channel's Flushed and Dropped segments
     * @param inProgress ids of segments whose objects may be being written or read by a task
     * @param deleting   ids of segments whose deletes are under way already
     */
    public static List<Removal> dropped(Collection<SegmentInfo> settled, Set<Long> inProgress, Set<Long> deleting,
                                        Predicate<String> pinned, long graceMs, long nowMs) {
        Set<String> live = new HashSet<>();
        settled.stream().filter(s -> s.getState() != SegmentState.DROPPED).forEach(s -> live.addAll(ObjectPaths.files(s)));
        List<Removal> removals = new ArrayList<>();
        for (SegmentInfo segment : settled) {
            if (segment.getState() != SegmentState.DROPPED || nowMs - segment.getDroppedAtMs() < graceMs
                    || deleting.contains(segment.getId()) || inProgress.contains(segment.getId())) {
                continue;
            }
            List<String> files = ObjectPaths.files(segment).stream().filter(path -> !live.contains(path)).toList();
            if (files.stream().noneMatch(pinned)) {
                removals.add(new Removal(segment.getId(), files));
            }
        }
        return removals;
    }

    /**
     * @param listed     what a listing of the channel's prefix found
     * @param referenced every file a settled segment names
     * @param writing    prefixes of the segments being written
     * @param cutoffMs   objects modified after this are young: an upload may be about to name them
     */
    public static List<String> orphans(List<StoredObject> listed, Set<String> referenced, Set<String> writing, Predicate<String> pinned,
                                       long cutoffMs) {
        List<String> orphans = new ArrayList<>();
        for (StoredObject object : listed) {
            String path = object.path();
            boolean young = object.lastModifiedMs() > cutoffMs;
            boolean inWriting = writing.stream().anyMatch(path::startsWith);
            if (!referenced.contains(path) && !young && !inWriting && !pinned.test(path)) {
                orphans.add(path);
            }
        }
        return orphans;
    }
}
