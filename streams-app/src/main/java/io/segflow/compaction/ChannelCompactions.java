package io.segflow.compaction;

import io.segflow.catalog.CatalogChange;
import io.segflow.catalog.ChannelCatalog;
import io.segflow.failpoint.Failpoints;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.CompactionEntry;
import io.segflow.schema.CompactionResult;
import io.segflow.schema.CompactionStatus;
import io.segflow.schema.CompactionTask;
import io.segflow.schema.CompactionType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * The compaction coordinator of one channel, run by its channel task. It plans (trigger policies
 * on their intervals, manual requests), records each task it emits in the {@code compactions}
 * store, and applies what the compaction stream reports: a completed result goes through the
 * {@link CommitPlanner}, whose changes the catalog applies in one step; a rejected one leaves its
 * files to garbage collection as orphans.
 */
public final class ChannelCompactions {
    /** Task id of the entry recording that a channel planned a manual request. */
    public static final String REQUEST_PREFIX = "request/";
    private static final Logger log = LoggerFactory.getLogger(ChannelCompactions.class);

    private final String collection;
    private final int channel;
    private final CompactionSettings settings;
    private final ChannelCatalog catalog;
    private final KeyValueStore<String, CompactionEntry> entries;
    private final LongSupplier newSegmentId;
    private final Consumer<CompactionTask> tasks;
    /** Tasks not yet Cleaned, by task id. */
    private final Map<String, CompactionEntry> open = new HashMap<>();
    private final long[] lastRun = new long[CompactionType.values().length];

    /**
     * @param tasks where planned tasks go: the task topic, in the same transaction as the stores
     */
    public ChannelCompactions(String collection, int channel, CompactionSettings settings, ChannelCatalog catalog,
                              KeyValueStore<String, CompactionEntry> entries, LongSupplier newSegmentId, Consumer<CompactionTask> tasks) {
        this.collection = collection;
        this.channel = channel;
        this.settings = settings;
        this.catalog = catalog;
        this.entries = entries;
        this.newSegmentId = newSegmentId;
        this.tasks = tasks;
    }

    public void restore(long nowMs) {
        try (KeyValueIterator<String, CompactionEntry> all = entries.all()) {
            all.forEachRemaining(kv -> {
                if (state(kv.value) != TaskState.CLEANED) {
                    open.put(kv.key, kv.value);
                }
            });
        }
        Arrays.fill(lastRun, nowMs);
    }

    /** Segment ids held by a running or queued task's outputs or L0 targets: their prefixes are being written. */
    public Set<Long> writing() {
        Set<Long> ids = new HashSet<>();
        running().forEach(e -> {
            ids.addAll(e.getTask().getOutputIds());
            ids.addAll(e.getTask().getTargets());
        });
        return ids;
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
        return catalog.inState(SegmentState.FLUSHED, SegmentLevel.L0).stream().filter(s -> s.getMaxPosition() >= minUnflushedRowPosition)
                .filter(s -> nowMs - CommitPlanner.deleteClockStart(s) >= half)
                .mapToLong(SegmentInfo::getMaxPosition).max().orElse(-1);
    }

    private CompactionView view(CollectionSpec spec, long minUnflushedRowPosition, long nowMs) {
        Set<Long> busy = new HashSet<>();
        running().forEach(e -> busy.addAll(e.getTask().getInputs()));
        return CompactionPlanner.view(channel, catalog.groups().allFlushed(), busy, minUnflushedRowPosition, spec.getSchemaVersion(),
                spec.getTtlMs(), nowMs);
    }

    private void emit(List<CompactionPlan> plans, String triggerId, CompactionView view, long nowMs) {
        for (CompactionPlan plan : plans) {
            if (plan.fastFinish()) {
                log.info("{}: channel {}: L0 segments {} reach no segment; dropped without a worker", collection, channel, plan.inputs());
                plan.inputs().forEach(id -> catalog.apply(CatalogChange.put(CommitPlanner.dropped(catalog.get(id).orElseThrow(), nowMs))));
                continue;
            }
            CompactionTask task = task(plan, triggerId, view, nowMs);
            CompactionEntry entry = CompactionEntry.newBuilder().setTask(task).setState(TaskState.PIPELINING.name()).setUpdatedAtMs(nowMs).build();
            save(entry);
            tasks.accept(task);
            log.info("{}: channel {}: planned {} {} of segments {} ({})", collection, channel, task.getType(), task.getTaskId(),
                    task.getInputs(), task.getReason());
        }
    }

    private CompactionTask task(CompactionPlan plan, String triggerId, CompactionView view, long nowMs) {
        // The catalog hands out copies: the commit compares the segments then against the plan's.
        List<SegmentInfo> described = new ArrayList<>();
        plan.inputs().forEach(id -> described.add(catalog.get(id).orElseThrow()));
        plan.targets().forEach(id -> described.add(catalog.get(id).orElseThrow()));
        // An L0 delete moves its L0 segments' deletes; a rewrite applies its inputs' own.
        Set<String> deltaLogs = new LinkedHashSet<>();
        described.stream().filter(s -> plan.inputs().contains(s.getId())).forEach(s -> deltaLogs.addAll(s.getDeltaLogPaths()));
        long appliedThrough = -1;
        if (plan.type() != CompactionType.L0_DELETE) {
            // A rewrite applies every flushed delete of the channel that can reach its rows: those in L0 segments too. L0
            // segments flush in position order, so its outputs hold no row a delete up to the newest of them removes.
            List<SegmentInfo> l0 = catalog.inState(SegmentState.FLUSHED, SegmentLevel.L0);
            l0.forEach(s -> deltaLogs.addAll(s.getDeltaLogPaths()));
            long inputsThrough = described.stream().filter(s -> plan.inputs().contains(s.getId()))
                    .mapToLong(SegmentInfo::getDeletesAppliedThrough).min().orElse(-1);
            appliedThrough = Math.max(inputsThrough, l0.stream().mapToLong(SegmentInfo::getMaxPosition).max().orElse(-1));
        }
        long liveBytes = view.segments().stream().filter(s -> plan.inputs().contains(s.id())).mapToLong(FlushedSegment::liveBytes).sum();
        List<Long> outputIds = new ArrayList<>();
        for (int i = OutputSizing.reserved(plan.type(), liveBytes, plan.targetSizeBytes()); i > 0; i--) {
            outputIds.add(newSegmentId.getAsLong());
        }
        return CompactionTask.newBuilder().setTaskId(UUID.randomUUID().toString()).setTriggerId(triggerId).setCollection(collection)
                .setChannel(channel).setPartition(plan.partition()).setType(plan.type()).setInputs(plan.inputs())
                .setTargetLevel(plan.targetLevel()).setPriority(plan.priority()).setReason(plan.reason().label())
                .setTargetSizeBytes(plan.targetSizeBytes()).setCreatedAtMs(nowMs).setTargets(plan.targets())
                .setInputSegments(described).setDeltaLogs(List.copyOf(deltaLogs)).setOutputIds(outputIds)
                .setDeletesAppliedThrough(appliedThrough).build();
    }

    /** Applies a report of the compaction stream; the caller holds the readers' move lock around it. */
    public void apply(CompactionResult result, long nowMs) {
        CompactionEntry entry = open.get(result.getTaskId());
        if (entry == null || state(entry).releasedInputs()) {
            return;
        }
        entry.setAttempts(result.getAttempt());
        entry.setUpdatedAtMs(nowMs);
        // Every report is of an attempt that started; after a crash of the stream, an attempt starts again.
        if (state(entry) != TaskState.EXECUTING) {
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
        Map<Long, SegmentInfo> segments = new HashMap<>();
        catalog.groups().settled().forEach(s -> segments.put(s.getId(), s));
        List<CompactionEntry> others = running().filter(e -> e != entry).toList();
        CommitPlanner.Commit commit = CommitPlanner.plan(entry, result, segments, others, nowMs);
        if (commit instanceof CommitPlanner.Rejected rejected) {
            move(entry, TaskState.FAILED);
            entry.setError("rejected: " + rejected.reason() + "; its outputs are orphans");
            move(entry, TaskState.CLEANED);
            log.warn("{}: channel {}: compaction {} rejected: {}", collection, channel, task.getTaskId(), rejected.reason());
            return;
        }
        CommitPlanner.Accepted accepted = (CommitPlanner.Accepted) commit;
        catalog.apply(accepted.changes());
        accepted.covered().forEach((taskId, paths) -> cover(open.get(taskId), paths));
        accepted.notes().forEach(note -> log.info("{}: channel {}: compaction {}: {}", collection, channel, task.getTaskId(), note));
        entry.setOutputs(accepted.outputs());
        // The error of an attempt that was retried is history now; an error left on an entry means the task failed.
        entry.setError(null);
        move(entry, TaskState.META_SAVED);
        Failpoints.reach(Failpoints.COMPACTION_META_SAVED);
        move(entry, TaskState.COMPLETED);
        log.info("{}: channel {}: compaction {} {} committed: {} -> {}, {} rows dropped", collection, channel, task.getType(),
                task.getTaskId(), task.getInputs(), accepted.outputs(), result.getRowsDropped());
    }

    private void cover(CompactionEntry running, List<String> paths) {
        List<String> covered = new ArrayList<>(running.getCoveredDeltaLogs());
        covered.addAll(paths);
        running.setCoveredDeltaLogs(covered);
        save(running);
    }

    /** Completed tasks become Cleaned once garbage collection has removed all their inputs; old Cleaned ones are forgotten. */
    private void expireHistory(long nowMs) {
        for (CompactionEntry entry : List.copyOf(open.values())) {
            if (state(entry) == TaskState.COMPLETED && entry.getTask().getInputs().stream().allMatch(id -> catalog.get(id).isEmpty())) {
                move(entry, TaskState.CLEANED);
                entry.setUpdatedAtMs(nowMs);
                save(entry);
            }
        }
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, CompactionEntry> all = entries.all()) {
            all.forEachRemaining(kv -> {
                if (state(kv.value) == TaskState.CLEANED && nowMs - kv.value.getUpdatedAtMs() > settings.historyMs()) {
                    expired.add(kv.key);
                }
            });
        }
        expired.forEach(entries::delete);
    }

    private void save(CompactionEntry entry) {
        entries.put(entry.getTask().getTaskId(), entry);
        if (state(entry) == TaskState.CLEANED) {
            open.remove(entry.getTask().getTaskId());
        } else {
            open.put(entry.getTask().getTaskId(), entry);
        }
    }

    /** The tasks not yet done and what they will read: the channel's compaction backlog. */
    public CompactionBacklog backlog() {
        return CompactionBacklog.of(open.values());
    }

    private Stream<CompactionEntry> running() {
        return open.values().stream().filter(e -> !state(e).releasedInputs());
    }

    private static TaskState state(CompactionEntry entry) {
        return TaskState.valueOf(entry.getState());
    }

    private static void move(CompactionEntry entry, TaskState target) {
        entry.setState(state(entry).moveTo(target).name());
    }
}
