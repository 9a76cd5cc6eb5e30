package io.segflow.compaction;

import io.segflow.failpoint.Failpoints;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.CompactionEntry;
import io.segflow.schema.CompactionResult;
import io.segflow.schema.CompactionStatus;
import io.segflow.schema.CompactionTask;
import io.segflow.schema.CompactionType;
import io.segflow.schema.DeltaAppend;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The compaction coordinator of one channel, run by its ingest task: the single writer of the
 * channel's segment metadata. It plans (trigger policies on their intervals, manual requests),
 * records each task it emits, and applies what the compaction stream reports: a completed task's
 * inputs become Dropped and its outputs Flushed in one step, with deletes that reached an input
 * after the plan carried over to the outputs; a result whose inputs are no longer Flushed is
 * rejected (its files are orphans for garbage collection).
 */
public final class ChannelCompactions {
    /** Task id of the entry recording that a channel planned a manual request. */
    public static final String REQUEST_PREFIX = "request/";
    private static final Logger log = LoggerFactory.getLogger(ChannelCompactions.class);

    /** Where the coordinator's decisions go: the catalog topic and the task topic (same transaction as the stores). */
    public interface Output {
        void segment(SegmentInfo info);

        void task(CompactionTask task);
    }

    private final String collection;
    private final int channel;
    private final CompactionSettings settings;
    private final KeyValueStore<Long, SegmentInfo> segmentStore;
    private final KeyValueStore<String, CompactionEntry> entries;
    private final LongSupplier newSegmentId;
    private final Output out;
    /** Flushed and Dropped segments of the channel (the rest is {@code ChannelSegments}'), by id. */
    private final Map<Long, SegmentInfo> settled = new TreeMap<>();
    /** Tasks not yet Cleaned, by task id. */
    private final Map<String, CompactionEntry> open = new HashMap<>();
    private final long[] lastRun = new long[CompactionType.values().length];

    public ChannelCompactions(String collection, int channel, CompactionSettings settings, KeyValueStore<Long, SegmentInfo> segmentStore,
                              KeyValueStore<String, CompactionEntry> entries, LongSupplier newSegmentId, Output out) {
        this.collection = collection;
        this.channel = channel;
        this.settings = settings;
        this.segmentStore = segmentStore;
        this.entries = entries;
        this.newSegmentId = newSegmentId;
        this.out = out;
    }

    public void restore(long nowMs) {
        try (KeyValueIterator<Long, SegmentInfo> all = segmentStore.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value.getState() == SegmentState.FLUSHED || kv.value.getState() == SegmentState.DROPPED) {
                    settled.put(kv.key, kv.value);
                }
            });
        }
        try (KeyValueIterator<String, CompactionEntry> all = entries.all()) {
            all.forEachRemaining(kv -> {
                if (!TaskState.CLEANED.name().equals(kv.value.getState())) {
                    open.put(kv.key, kv.value);
                }
            });
        }
        Arrays.fill(lastRun, nowMs);
    }

    /** A segment the ingest task just flushed. */
    public void flushed(SegmentInfo info) {
        settled.put(info.getId(), info);
    }

    /** Flushed and Dropped segments, for garbage collection; not to be changed. */
    public Collection<SegmentInfo> settled() {
        return settled.values();
    }

    /** Segment ids held by a running or queued task's outputs or L0 targets: their prefixes are being written. */
    public Set<Long> writing() {
        Set<Long> ids = new HashSet<>();
        open.values().stream().filter(e -> !finished(e)).forEach(e -> {
            ids.addAll(e.getTask().getOutputIds());
            ids.addAll(e.getTask().getTargets());
        });
        return ids;
    }

    /** Forgets a Dropped segment whose files are gone; the caller publishes its tombstone. */
    public void forget(long id) {
        settled.remove(id);
        segmentStore.delete(id);
    }

    /** Runs each trigger policy whose interval has passed. */
    public void trigger(CollectionSpec spec, long minUnflushedRowPosition, long nowMs) {
        if (!settings.enabled()) {
            return;
        }
        for (CompactionType type : CompactionType.values()) {
            long interval = settings.intervalMs(type);
            if (interval <= 0 || nowMs - lastRun[type.ordinal()] < interval) {
                continue;
            }
            lastRun[type.ordinal()] = nowMs;
            CompactionView view = view(spec, minUnflushedRowPosition, nowMs);
            List<CompactionPlan> plans = CompactionPlanner.triggered(type, settings.thresholds(spec), view, spec.getClusteringKey() != null);
            emit(plans, "trigger-" + type.name().toLowerCase() + "-" + nowMs, view, nowMs);
        }
        expireHistory(nowMs);
    }

    /** Plans a manual request now; returns what it planned. */
    public List<CompactionPlan> request(ManualCompaction request, CollectionSpec spec, long minUnflushedRowPosition, long nowMs) {
        CompactionView view = view(spec, minUnflushedRowPosition, nowMs);
        List<CompactionPlan> plans = CompactionPlanner.manual(request, settings.thresholds(spec), view, spec.getClusteringKey() != null);
        emit(plans, request.id(), view, nowMs);
        // A marker that this channel has planned the request, even when it planned nothing.
        CompactionTask marker = CompactionTask.newBuilder().setTaskId(REQUEST_PREFIX + request.id()).setTriggerId(request.id())
                .setCollection(collection).setChannel(channel).setType(request.type()).setInputs(List.of()).setTargetLevel(SegmentLevel.L1)
                .setPriority(0).setReason(plans.size() + " plans").setCreatedAtMs(nowMs).build();
        entries.put(marker.getTaskId(), CompactionEntry.newBuilder().setTask(marker).setState(TaskState.CLEANED.name()).setUpdatedAtMs(nowMs)
                .setRequestChannels(request.channel() == null ? spec.getChannels() : 1).build());
        return plans;
    }

    /**
     * The newest delete position of an L0 segment past half its reclaim deadline that rows not yet
     * flushed keep from compacting, or -1: growing segments older than it should seal now.
     */
    public long urgentL0Blocked(CollectionSpec spec, long minUnflushedRowPosition, long nowMs) {
        long half = settings.thresholds(spec).reclaimDeadlineMs() / 2;
        return flushedL0().filter(s -> s.getMaxPosition() >= minUnflushedRowPosition)
                .filter(s -> nowMs - (s.getOldestDeleteMs() >= 0 ? s.getOldestDeleteMs() : s.getFlushedAtMs()) >= half)
                .mapToLong(SegmentInfo::getMaxPosition).max().orElse(-1);
    }

    /** The channel's Flushed L0 segments: the deletes a rewrite applies and an L0 delete moves. */
    private Stream<SegmentInfo> flushedL0() {
        return settled.values().stream().filter(s -> s.getState() == SegmentState.FLUSHED && s.getLevel() == SegmentLevel.L0);
    }

    private CompactionView view(CollectionSpec spec, long minUnflushedRowPosition, long nowMs) {
        Set<Long> busy = new HashSet<>();
        open.values().stream().filter(e -> !finished(e)).forEach(e -> busy.addAll(e.getTask().getInputs()));
        List<SegmentInfo> flushed = settled.values().stream().filter(s -> s.getState() == SegmentState.FLUSHED).toList();
        return CompactionPlanner.view(channel, flushed, busy, minUnflushedRowPosition, spec.getSchemaVersion(), spec.getTtlMs(), nowMs);
    }

    private void emit(List<CompactionPlan> plans, String triggerId, CompactionView view, long nowMs) {
        for (CompactionPlan plan : plans) {
            if (plan.fastFinish()) {
                log.info("{}: channel {}: L0 segments {} reach no segment; dropped without a worker", collection, channel, plan.inputs());
                plan.inputs().forEach(id -> drop(id, nowMs));
                continue;
            }
            CompactionTask task = task(plan, triggerId, view, nowMs);
            CompactionEntry entry = CompactionEntry.newBuilder().setTask(task).setState(TaskState.PIPELINING.name()).setUpdatedAtMs(nowMs).build();
            save(entry);
            out.task(task);
            log.info("{}: channel {}: planned {} {} of segments {} ({})", collection, channel, task.getType(), task.getTaskId(),
                    task.getInputs(), task.getReason());
        }
    }

    private CompactionTask task(CompactionPlan plan, String triggerId, CompactionView view, long nowMs) {
        // Copies: the catalog's entries change as deletes reach them, and the commit compares against the plan's.
        List<SegmentInfo> described = new ArrayList<>();
        plan.inputs().forEach(id -> described.add(SegmentInfo.newBuilder(settled.get(id)).build()));
        plan.targets().forEach(id -> described.add(SegmentInfo.newBuilder(settled.get(id)).build()));
        // An L0 delete moves its L0 segments' deletes; a rewrite applies its inputs' own.
        Set<String> deltaLogs = new LinkedHashSet<>();
        plan.inputs().forEach(id -> deltaLogs.addAll(settled.get(id).getDeltaLogPaths()));
        long appliedThrough = -1;
        if (plan.type() != CompactionType.L0_DELETE) {
            // A rewrite applies every flushed delete of the channel that can reach its rows: those in L0 segments too. L0
            // segments flush in position order, so its outputs hold no row a delete up to the newest of them removes.
            List<SegmentInfo> l0 = flushedL0().toList();
            l0.forEach(s -> deltaLogs.addAll(s.getDeltaLogPaths()));
            long inputsThrough = plan.inputs().stream().mapToLong(id -> settled.get(id).getDeletesAppliedThrough()).min().orElse(-1);
            appliedThrough = Math.max(inputsThrough, l0.stream().mapToLong(SegmentInfo::getMaxPosition).max().orElse(-1));
        }
        long liveBytes = view.segments().stream().filter(s -> plan.inputs().contains(s.id())).mapToLong(FlushedSegment::liveBytes).sum();
        long target = plan.targetSizeBytes() > 0 ? plan.targetSizeBytes() : Long.MAX_VALUE;
        int outputs = plan.type() == CompactionType.L0_DELETE ? 1 : (int) Math.min(1024, (liveBytes + target - 1) / target + 1);
        List<Long> outputIds = new ArrayList<>();
        for (int i = 0; i < outputs; i++) {
            outputIds.add(newSegmentId.getAsLong());
        }
        return CompactionTask.newBuilder().setTaskId(UUID.randomUUID().toString()).setTriggerId(triggerId).setCollection(collection)
                .setChannel(channel).setPartition(plan.partition()).setType(plan.type()).setInputs(plan.inputs())
                .setTargetLevel(plan.targetLevel()).setPriority(plan.priority()).setReason(plan.reason())
                .setTargetSizeBytes(plan.targetSizeBytes()).setCreatedAtMs(nowMs).setTargets(plan.targets())
                .setInputSegments(described).setDeltaLogs(List.copyOf(deltaLogs)).setOutputIds(outputIds)
                .setDeletesAppliedThrough(appliedThrough).build();
    }

    /** Applies a report of the compaction stream; the caller holds the readers' move lock around it. */
    public void apply(CompactionResult result, long nowMs) {
        CompactionEntry entry = open.get(result.getTaskId());
        if (entry == null || finished(entry)) {
            return;
        }
        entry.setAttempts(result.getAttempt());
        entry.setUpdatedAtMs(nowMs);
        // Every report is of an attempt that started; after a crash of the stream, an attempt starts again.
        if (!entry.getState().equals(TaskState.EXECUTING.name())) {
            move(entry, TaskState.EXECUTING);
        }
        switch (result.getStatus()) {
            case STARTED -> {
            }
            case FAILED, TIMEOUT -> {
                move(entry, result.getStatus() == CompactionStatus.TIMEOUT ? TaskState.TIMEOUT : TaskState.FAILED);
                entry.setError(result.getError());
                move(entry, result.getRetrying() ? TaskState.PIPELINING : TaskState.CLEANED);
                log.warn("{}: channel {}: compaction {} {}: {}", collection, channel, entry.getTask().getTaskId(),
                        result.getRetrying() ? "failed an attempt; retrying" : "failed for good", result.getError());
            }
            case COMPLETED -> commit(entry, result, nowMs);
        }
        save(entry);
    }

    private void commit(CompactionEntry entry, CompactionResult result, long nowMs) {
        CompactionTask task = entry.getTask();
        Optional<String> stale = task.getInputs().stream().map(settled::get)
                .filter(s -> s == null || s.getState() != SegmentState.FLUSHED)
                .map(s -> s == null ? "an input is gone" : "input " + s.getId() + " is " + s.getState()).findFirst();
        if (stale.isPresent()) {
            move(entry, TaskState.FAILED);
            entry.setError("rejected: " + stale.get() + "; its outputs are orphans");
            move(entry, TaskState.CLEANED);
            log.warn("{}: channel {}: compaction {} rejected: {}", collection, channel, task.getTaskId(), stale.get());
            return;
        }
        List<Long> outputs = task.getType() == CompactionType.L0_DELETE ? routeDeletes(task, result) : replace(entry, result, nowMs);
        task.getInputs().forEach(id -> drop(id, nowMs));
        entry.setOutputs(outputs);
        // The error of an attempt that was retried is history now; an error left on an entry means the task failed.
        entry.setError(null);
        move(entry, TaskState.META_SAVED);
        Failpoints.reach(Failpoints.COMPACTION_META_SAVED);
        move(entry, TaskState.COMPLETED);
        log.info("{}: channel {}: compaction {} {} committed: {} -> {}, {} rows dropped", collection, channel, task.getType(),
                task.getTaskId(), task.getInputs(), outputs, result.getRowsDropped());
    }

    /** L0 delete: each delta log joins its target, or the segment that target was compacted into meanwhile. */
    private List<Long> routeDeletes(CompactionTask task, CompactionResult result) {
        List<SegmentInfo> l0 = task.getInputSegments().stream().filter(s -> s.getLevel() == SegmentLevel.L0).toList();
        long oldestDelete = l0.stream().mapToLong(s -> s.getOldestDeleteMs() >= 0 ? s.getOldestDeleteMs() : s.getFlushedAtMs()).min().orElse(-1);
        long newestDelete = l0.stream().mapToLong(SegmentInfo::getMaxPosition).max().orElse(-1);
        List<Long> reached = new ArrayList<>();
        for (DeltaAppend append : result.getDeltaAppends()) {
            for (SegmentInfo target : successors(append.getSegmentId())) {
                if (target.getDeletesAppliedThrough() >= newestDelete) {
                    // Rewritten meanwhile by a task that applied these L0 segments' deletes itself.
                    continue;
                }
                List<String> paths = new ArrayList<>(target.getDeltaLogPaths());
                paths.add(append.getPath());
                target.setDeltaLogPaths(paths);
                target.setDeltaLogBytes(target.getDeltaLogBytes() + append.getBytes());
                target.setDeletedRows(Math.min(target.getRows(), target.getDeletedRows() + append.getEntries()));
                target.setOldestDeleteMs(target.getOldestDeleteMs() < 0 ? oldestDelete : Math.min(target.getOldestDeleteMs(), oldestDelete));
                publish(target);
                reached.add(target.getId());
                coverByRunningRewrites(target.getId(), append.getPath(), newestDelete);
            }
        }
        return reached;
    }

    /**
     * A delta log just appended to {@code segmentId}, an input of a rewrite under way that applies
     * every delete up to {@code newestDelete} itself: that rewrite's outputs need not carry it.
     */
    private void coverByRunningRewrites(long segmentId, String path, long newestDelete) {
        for (CompactionEntry entry : List.copyOf(open.values())) {
            CompactionTask task = entry.getTask();
            if (!finished(entry) && task.getType() != CompactionType.L0_DELETE && task.getInputs().contains(segmentId)
                    && task.getDeletesAppliedThrough() >= newestDelete) {
                List<String> covered = new ArrayList<>(entry.getCoveredDeltaLogs());
                covered.add(path);
                entry.setCoveredDeltaLogs(covered);
                save(entry);
            }
        }
    }

    /** The Flushed segments holding the rows segment {@code id} held: itself, or what compaction made of it. */
    private List<SegmentInfo> successors(long id) {
        SegmentInfo segment = settled.get(id);
        if (segment != null && segment.getState() == SegmentState.FLUSHED) {
            return List.of(segment);
        }
        List<SegmentInfo> found = new ArrayList<>();
        settled.values().stream().filter(s -> s.getCompactedFrom().contains(id)).forEach(s -> found.addAll(successors(s.getId())));
        return found;
    }

    /**
     * A rewrite: its outputs become Flushed. Delta logs an input gained after the plan (an L0 delete
     * committed meanwhile) may hold deletes the worker did not apply: every output takes them over,
     * unless they are covered (the worker read the L0 segments they came from: it skipped none).
     */
    private List<Long> replace(CompactionEntry entry, CompactionResult result, long nowMs) {
        CompactionTask task = entry.getTask();
        Set<String> covered = result.getSkippedDeltaLogs() == 0 ? Set.copyOf(entry.getCoveredDeltaLogs()) : Set.of();
        Map<Long, SegmentInfo> planned = new HashMap<>();
        task.getInputSegments().forEach(s -> planned.put(s.getId(), s));
        Set<String> lateLogs = new LinkedHashSet<>();
        long lateBytes = 0;
        long oldestLate = -1;
        for (long id : task.getInputs()) {
            SegmentInfo now = settled.get(id);
            SegmentInfo before = planned.get(id);
            List<String> late = now.getDeltaLogPaths().stream()
                    .filter(path -> !before.getDeltaLogPaths().contains(path) && !covered.contains(path)).toList();
            if (!late.isEmpty()) {
                lateLogs.addAll(late);
                // All of the input's new delta bytes, covered logs included: an upper bound.
                lateBytes += now.getDeltaLogBytes() - before.getDeltaLogBytes();
                oldestLate = oldestLate < 0 ? now.getOldestDeleteMs() : Math.min(oldestLate, now.getOldestDeleteMs());
            }
        }
        List<Long> ids = new ArrayList<>();
        for (SegmentInfo output : result.getOutputs()) {
            output.setFlushedAtMs(nowMs);
            output.setLastLevel(null);
            output.setDeletesAppliedThrough(task.getDeletesAppliedThrough());
            if (!lateLogs.isEmpty()) {
                output.setDeltaLogPaths(List.copyOf(lateLogs));
                output.setDeltaLogBytes(lateBytes);
                output.setOldestDeleteMs(oldestLate);
                log.info("{}: channel {}: compaction {} carries {} delta logs that reached its inputs meanwhile onto segment {}",
                        collection, channel, task.getTaskId(), lateLogs.size(), output.getId());
            }
            publish(output);
            ids.add(output.getId());
        }
        return ids;
    }

    private void drop(long id, long nowMs) {
        SegmentInfo segment = settled.get(id);
        segment.setLastLevel(segment.getLevel());
        segment.setState(SegmentState.DROPPED);
        segment.setDroppedAtMs(nowMs);
        publish(segment);
    }

    private void publish(SegmentInfo segment) {
        settled.put(segment.getId(), segment);
        segmentStore.put(segment.getId(), segment);
        out.segment(segment);
    }

    /** Completed tasks become Cleaned once garbage collection has removed all their inputs; old Cleaned ones are forgotten. */
    private void expireHistory(long nowMs) {
        for (CompactionEntry entry : List.copyOf(open.values())) {
            if (entry.getState().equals(TaskState.COMPLETED.name()) && entry.getTask().getInputs().stream().noneMatch(settled::containsKey)) {
                move(entry, TaskState.CLEANED);
                entry.setUpdatedAtMs(nowMs);
                save(entry);
            }
        }
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, CompactionEntry> all = entries.all()) {
            all.forEachRemaining(kv -> {
                if (TaskState.CLEANED.name().equals(kv.value.getState()) && nowMs - kv.value.getUpdatedAtMs() > settings.historyMs()) {
                    expired.add(kv.key);
                }
            });
        }
        expired.forEach(entries::delete);
    }

    private void save(CompactionEntry entry) {
        entries.put(entry.getTask().getTaskId(), entry);
        if (TaskState.CLEANED.name().equals(entry.getState())) {
            open.remove(entry.getTask().getTaskId());
        } else {
            open.put(entry.getTask().getTaskId(), entry);
        }
    }

    private static void move(CompactionEntry entry, TaskState target) {
        entry.setState(TaskState.valueOf(entry.getState()).moveTo(target).name());
    }

    private static boolean finished(CompactionEntry entry) {
        return TaskState.valueOf(entry.getState()).releasedInputs();
    }
}
