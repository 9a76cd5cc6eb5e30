package io.segflow.compaction;

import io.segflow.catalog.CatalogChange;
import io.segflow.schema.CompactionEntry;
import io.segflow.schema.CompactionResult;
import io.segflow.schema.CompactionTask;
import io.segflow.schema.CompactionType;
import io.segflow.schema.DeltaAppend;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a completed compaction changes in the catalog, decided from values alone: the task as it
 * was planned, the channel's segments now, the other open tasks and the worker's result. Each
 * rule is a method here, explained where it is decided:
 * <ul>
 *   <li>{@link #stale}: a result whose inputs are no longer all Flushed is rejected, its outputs orphans;</li>
 *   <li>{@link #routeDeletes}: an L0 delete's delta logs join their targets, or the segments a target
 *       was compacted into meanwhile, unless a rewrite already applied them ({@code deletesAppliedThrough});</li>
 *   <li>{@link #lateDeltaLogs}: a rewrite's outputs take over delta logs that reached its inputs after
 *       the plan, unless the worker read their deletes itself (they are covered);</li>
 *   <li>every input is Dropped and every output Flushed in the same commit.</li>
 * </ul>
 */
public final class CommitPlanner {
    private CommitPlanner() {
    }

    /** The outcome of a completed result. */
    public sealed interface Commit {
    }

    /** Nothing changes: {@code reason} says why; the result's files are orphans for garbage collection. */
    public record Rejected(String reason) implements Commit {
    }

    /**
     * The result commits: {@code changes} in order, the segments it produced or reached
     * ({@code outputs}), and per other open task the delta logs that task's rewrite now covers.
     */
    public record Accepted(List<CatalogChange> changes, List<Long> outputs, Map<String, List<String>> covered, List<String> notes)
            implements Commit {
    }

    /**
     * @param entry    the task as planned, with the delta logs already covered for it
     * @param segments the channel's Flushed and Dropped segments now, by id
     * @param open     the channel's other tasks not yet finished
     */
    public static Commit plan(CompactionEntry entry, CompactionResult result, Map<Long, SegmentInfo> segments,
                              Collection<CompactionEntry> open, long nowMs) {
        CompactionTask task = entry.getTask();
        Optional<String> stale = stale(task, segments);
        if (stale.isPresent()) {
            return new Rejected(stale.get());
        }
        Map<Long, SegmentInfo> changed = new LinkedHashMap<>();
        Map<String, List<String>> covered = new LinkedHashMap<>();
        List<String> notes = new ArrayList<>();
        List<Long> outputs = task.getType() == CompactionType.L0_DELETE
                ? routeDeletes(task, result, segments, open, changed, covered, notes)
                : rewrite(entry, result, segments, changed, notes, nowMs);
        for (long id : task.getInputs()) {
            changed.put(id, dropped(segments.get(id), nowMs));
        }
        List<CatalogChange> changes = changed.values().stream().map(CatalogChange::put).toList();
        return new Accepted(changes, outputs, covered, notes);
    }

    /** Why the result cannot commit: an input is gone or no longer Flushed (another task took it, or it was dropped). */
    static Optional<String> stale(CompactionTask task, Map<Long, SegmentInfo> segments) {
        for (long id : task.getInputs()) {
            SegmentInfo now = segments.get(id);
            if (now == null) {
                return Optional.of("input " + id + " is gone");
            }
            if (now.getState() != SegmentState.FLUSHED) {
                return Optional.of("input " + id + " is " + now.getState());
            }
        }
        return Optional.empty();
    }

    /**
     * L0 delete: each delta log the worker wrote joins its target, or every segment that target
     * was compacted into meanwhile. A successor whose rewrite applied every delete up to the
     * newest of these L0 segments already holds none of the rows they delete: it gets nothing.
     * A running rewrite of a target that will apply these deletes itself covers the new log.
     */
    private static List<Long> routeDeletes(CompactionTask task, CompactionResult result, Map<Long, SegmentInfo> segments,
                                           Collection<CompactionEntry> open, Map<Long, SegmentInfo> changed,
                                           Map<String, List<String>> covered, List<String> notes) {
        List<SegmentInfo> l0 = task.getInputSegments().stream().filter(s -> s.getLevel() == SegmentLevel.L0).toList();
        long oldestDelete = l0.stream().mapToLong(CommitPlanner::deleteClockStart).min().orElse(-1);
        long newestDelete = l0.stream().mapToLong(SegmentInfo::getMaxPosition).max().orElse(-1);
        List<Long> reached = new ArrayList<>();
        for (DeltaAppend append : result.getDeltaAppends()) {
            for (long id : successors(append.getSegmentId(), segments)) {
                SegmentInfo target = changed.getOrDefault(id, copy(segments.get(id)));
                if (target.getDeletesAppliedThrough() >= newestDelete) {
                    notes.add("segment " + id + " was rewritten with these deletes applied; delta log " + append.getPath() + " not joined");
                    continue;
                }
                List<String> paths = new ArrayList<>(target.getDeltaLogPaths());
                paths.add(append.getPath());
                target.setDeltaLogPaths(paths);
                target.setDeltaLogBytes(target.getDeltaLogBytes() + append.getBytes());
                target.setDeletedRows(Math.min(target.getRows(), target.getDeletedRows() + append.getEntries()));
                target.setOldestDeleteMs(target.getOldestDeleteMs() < 0 ? oldestDelete : Math.min(target.getOldestDeleteMs(), oldestDelete));
                changed.put(id, target);
                reached.add(id);
                for (CompactionEntry other : open) {
                    if (coversNewLog(other.getTask(), id, newestDelete)) {
                        covered.computeIfAbsent(other.getTask().getTaskId(), k -> new ArrayList<>()).add(append.getPath());
                    }
                }
            }
        }
        return reached;
    }

    /** A rewrite under way of {@code segmentId} that applies every delete up to {@code newestDelete} itself. */
    private static boolean coversNewLog(CompactionTask running, long segmentId, long newestDelete) {
        return running.getType() != CompactionType.L0_DELETE && running.getInputs().contains(segmentId)
                && running.getDeletesAppliedThrough() >= newestDelete;
    }

    /** Ids of the Flushed segments holding the rows segment {@code id} held: itself, or what compaction made of it. */
    static List<Long> successors(long id, Map<Long, SegmentInfo> segments) {
        SegmentInfo segment = segments.get(id);
        if (segment != null && segment.getState() == SegmentState.FLUSHED) {
            return List.of(id);
        }
        List<Long> found = new ArrayList<>();
        segments.values().stream().filter(s -> s.getCompactedFrom().contains(id)).forEach(s -> found.addAll(successors(s.getId(), segments)));
        return found;
    }

    /** A rewrite: its outputs become Flushed, carrying the delta logs that reached its inputs late. */
    private static List<Long> rewrite(CompactionEntry entry, CompactionResult result, Map<Long, SegmentInfo> segments,
                                      Map<Long, SegmentInfo> changed, List<String> notes, long nowMs) {
        CompactionTask task = entry.getTask();
        LateDeltaLogs late = lateDeltaLogs(entry, result, segments);
        List<Long> ids = new ArrayList<>();
        for (SegmentInfo planned : result.getOutputs()) {
            SegmentInfo output = copy(planned);
            output.setState(SegmentState.FLUSHED);
            output.setFlushedAtMs(nowMs);
            output.setLastLevel(null);
            output.setDeletesAppliedThrough(task.getDeletesAppliedThrough());
            if (!late.paths().isEmpty()) {
                output.setDeltaLogPaths(List.copyOf(late.paths()));
                output.setDeltaLogBytes(late.bytes());
                output.setOldestDeleteMs(late.oldestDeleteMs());
                notes.add("carries " + late.paths().size() + " delta logs that reached its inputs meanwhile onto segment " + output.getId());
            }
            changed.put(output.getId(), output);
            ids.add(output.getId());
        }
        return ids;
    }

    /**
     * Delta logs an input gained after the plan (an L0 delete committed meanwhile) may hold deletes
     * the worker did not apply: every output takes them over. Those covered for this task (the
     * worker read the L0 segments they came from) are left out, unless the worker skipped a delta
     * log it could not read, in which case nothing counts as covered.
     *
     * @param bytes all of the inputs' new delta bytes, covered logs included: an upper bound
     */
    record LateDeltaLogs(Set<String> paths, long bytes, long oldestDeleteMs) {
    }

    static LateDeltaLogs lateDeltaLogs(CompactionEntry entry, CompactionResult result, Map<Long, SegmentInfo> segments) {
        CompactionTask task = entry.getTask();
        Set<String> covered = result.getSkippedDeltaLogs() == 0 ? Set.copyOf(entry.getCoveredDeltaLogs()) : Set.of();
        Map<Long, SegmentInfo> planned = new HashMap<>();
        task.getInputSegments().forEach(s -> planned.put(s.getId(), s));
        Set<String> paths = new LinkedHashSet<>();
        long bytes = 0;
        long oldest = -1;
        for (long id : task.getInputs()) {
            SegmentInfo now = segments.get(id);
            SegmentInfo before = planned.get(id);
            List<String> late = now.getDeltaLogPaths().stream()
                    .filter(path -> !before.getDeltaLogPaths().contains(path) && !covered.contains(path)).toList();
            if (!late.isEmpty()) {
                paths.addAll(late);
                bytes += now.getDeltaLogBytes() - before.getDeltaLogBytes();
                oldest = oldest < 0 ? now.getOldestDeleteMs() : Math.min(oldest, now.getOldestDeleteMs());
            }
        }
        return new LateDeltaLogs(paths, bytes, oldest);
    }

    /** Segment {@code segment} once a commit or a fast finish has replaced it: Dropped, its level kept for the record. */
    public static SegmentInfo dropped(SegmentInfo segment, long nowMs) {
        SegmentInfo dropped = copy(segment);
        dropped.setLastLevel(segment.getLevel());
        dropped.setState(SegmentState.DROPPED);
        dropped.setDroppedAtMs(nowMs);
        return dropped;
    }

    /** When the reclaim deadline of an L0 segment's deletes started: its oldest delete, or its flush if unknown. */
    static long deleteClockStart(SegmentInfo l0) {
        return l0.getOldestDeleteMs() >= 0 ? l0.getOldestDeleteMs() : l0.getFlushedAtMs();
    }

    private static SegmentInfo copy(SegmentInfo segment) {
        return SegmentInfo.newBuilder(segment).build();
    }
}
