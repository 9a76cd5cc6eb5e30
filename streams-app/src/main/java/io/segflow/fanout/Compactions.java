package io.segflow.fanout;

import io.segflow.catalog.SegmentGroups;
import io.segflow.http.Peers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.compaction.ChannelCompactions;
import io.segflow.compaction.CompactionPlan;
import io.segflow.compaction.CompactionPlanner;
import io.segflow.ingest.CompactionRequests;
import io.segflow.compaction.CompactionView;
import io.segflow.compaction.FlushedSegment;
import io.segflow.compaction.ManualCompaction;
import io.segflow.compaction.TaskState;
import io.segflow.ingest.ControlRecords;
import io.segflow.ingest.CollectionPipeline;
import io.segflow.ingest.CollectionPipelines;
import io.segflow.ingest.IngestStores;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.CompactionEntry;
import io.segflow.schema.CompactionType;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.state.HostInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Manual compaction across instances: a request goes to every channel it covers as a control
 * record of {@code C.dml}; a dry run plans on each instance's own channels without running
 * anything; the status of a request gathers its tasks from every instance's coordinators.
 */
public final class Compactions {
    /** One plan of a dry run, with what it would cost and reclaim. */
    public record PlannedRewrite(int channel, String partition, String type, List<Long> inputs, List<Long> targets, String targetLevel,
                                 int priority, String reason, long bytesToRead, long bytesToWrite, long rowsToDrop) {
    }

    /** A task of a request, as its coordinator records it. */
    public record TaskView(String taskId, int channel, String type, String state, int attempts, List<Long> sources, List<Long> targets,
                           String reason, String error) {
    }

    private final CollectionPipelines pipelines;
    private final Peers peers;
    private final ObjectMapper json;
    private final ControlRecords control;
    private final Time time;

    /** @param time what a dry run judges TTL expiry and reclaim deadlines against */
    public Compactions(CollectionPipelines pipelines, ObjectMapper json, ControlRecords control, Time time) {
        this.time = time;
        this.pipelines = pipelines;
        this.peers = new Peers(json);
        this.json = json;
        this.control = control;
    }

    /** Sends {@code request} down every channel it covers; returns its id and channels. */
    public Map<String, Object> submit(CollectionSpec spec, ManualCompaction request) throws Exception {
        pipelines.ensure(spec.getName());
        ManualCompaction withId = new ManualCompaction(UUID.randomUUID().toString(), request.type(), request.partition(),
                request.channel(), request.segments(), request.targetBytes(), false);
        List<Integer> channels = channels(spec, request);
        control.send(spec.getName(), channels, CompactionRequests.headers(withId));
        return Map.of("compactionId", withId.id(), "type", request.type().name(), "channels", channels);
    }

    /** The plans {@code request} would make now, with bytes to read and write and rows to drop, on every instance (or this one). */
    public Map<String, Object> dryRun(CollectionSpec spec, ManualCompaction request, boolean localOnly) {
        CollectionPipeline pipeline = pipelines.ensure(spec.getName());
        List<PlannedRewrite> plans = new ArrayList<>(Queryable.query(pipeline, () -> localDryRun(pipeline, spec, request)));
        if (!localOnly) {
            for (HostInfo peer : pipeline.otherInstances()) {
                JsonNode remote = peers.post(peer, Peers.path("collections", spec.getName(), "compact") + "?scope=local", dryRunBody(request));
                remote.path("plans").forEach(plan -> plans.add(json.convertValue(plan, PlannedRewrite.class)));
            }
        }
        plans.sort(Comparator.comparingInt(PlannedRewrite::channel).thenComparingInt(PlannedRewrite::priority));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("dryRun", true);
        answer.put("type", request.type().name());
        answer.put("bytesToRead", plans.stream().mapToLong(PlannedRewrite::bytesToRead).sum());
        answer.put("bytesToWrite", plans.stream().mapToLong(PlannedRewrite::bytesToWrite).sum());
        answer.put("rowsToDrop", plans.stream().mapToLong(PlannedRewrite::rowsToDrop).sum());
        answer.put("plans", plans);
        return answer;
    }

    private List<PlannedRewrite> localDryRun(CollectionPipeline pipeline, CollectionSpec spec, ManualCompaction request) {
        List<PlannedRewrite> plans = new ArrayList<>();
        long now = time.milliseconds();
        for (int channel : pipeline.localChannels()) {
            if (!request.covers(channel)) {
                continue;
            }
            SegmentGroups groups = SegmentGroups.of(pipeline.<SegmentInfo>values(IngestStores.SEGMENTS, channel));
            Set<Long> busy = new HashSet<>();
            entries(pipeline, channel).stream().filter(e -> !TaskState.valueOf(e.getState()).releasedInputs()).forEach(e -> busy.addAll(e.getTask().getInputs()));
            CompactionView view = CompactionPlanner.view(channel, groups.allFlushed(), busy, groups.minUnflushedRowPosition(), spec.getSchemaVersion(), spec.getTtlMs(), now);
            Map<Long, FlushedSegment> byId = new HashMap<>();
            view.segments().forEach(s -> byId.put(s.id(), s));
            for (CompactionPlan plan : CompactionPlanner.manual(request, pipeline.compactionSettings().thresholds(spec), view,
                    spec.getClusteringKey() != null)) {
                List<FlushedSegment> inputs = plan.inputs().stream().map(byId::get).toList();
                boolean l0 = plan.type() == CompactionType.L0_DELETE;
                long read = inputs.stream().mapToLong(s -> s.bytes() + s.deltaBytes()).sum();
                long write = l0 ? inputs.stream().mapToLong(FlushedSegment::bytes).sum() : inputs.stream().mapToLong(FlushedSegment::liveBytes).sum();
                long drop = l0 ? 0 : inputs.stream().mapToLong(s -> Math.min(s.rows(), s.deletedRows() + s.expiredRows())).sum();
                plans.add(new PlannedRewrite(channel, plan.partition(), plan.type().name(), plan.inputs(), plan.targets(),
                        plan.targetLevel().name(), plan.priority(), plan.reason().label(), read, write, drop));
            }
        }
        return plans;
    }

    /** The state of request {@code id}: by task, with counts by state, from every instance (or this one). */
    public Map<String, Object> status(CollectionSpec spec, String id, boolean localOnly) {
        CollectionPipeline pipeline = pipelines.ensure(spec.getName());
        List<TaskView> tasks = new ArrayList<>();
        Set<Integer> planned = new HashSet<>();
        int[] expected = {0};
        Queryable.query(pipeline, () -> {
            for (int channel : pipeline.localChannels()) {
                for (CompactionEntry entry : entries(pipeline, channel)) {
                    if (!entry.getTask().getTriggerId().equals(id)) {
                        continue;
                    }
                    if (entry.getTask().getTaskId().startsWith(ChannelCompactions.REQUEST_PREFIX)) {
                        planned.add(channel);
                        expected[0] = Math.max(expected[0], entry.getRequestChannels());
                    } else {
                        tasks.add(view(entry));
                    }
                }
            }
            return null;
        });
        if (!localOnly) {
            for (HostInfo peer : pipeline.otherInstances()) {
                JsonNode remote = peers.get(peer, Peers.path("collections", spec.getName(), "compactions", id) + "?scope=local");
                remote.path("plannedChannels").forEach(channel -> planned.add(channel.asInt()));
                expected[0] = Math.max(expected[0], remote.path("channels").asInt());
                remote.path("plans").forEach(task -> tasks.add(json.convertValue(task, TaskView.class)));
            }
        }
        Map<String, Long> counts = new TreeMap<>();
        tasks.forEach(task -> counts.merge(task.state(), 1L, Long::sum));
        tasks.sort(Comparator.comparingInt(TaskView::channel).thenComparing(TaskView::taskId));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("compactionId", id);
        answer.put("state", overall(planned.size(), expected[0], tasks));
        answer.put("channels", expected[0]);
        answer.put("plannedChannels", planned);
        answer.put("tasks", counts);
        answer.put("plans", tasks);
        return answer;
    }

    /**
     * PLANNING until every channel the request covers has planned it; RUNNING while a task has not
     * committed; then FAILED if a task ended with an error (failed for good or rejected), else COMPLETED.
     */
    static String overall(int planned, int expected, List<TaskView> tasks) {
        if (planned == 0 || planned < expected) {
            return "PLANNING";
        }
        if (tasks.stream().anyMatch(t -> !TaskState.valueOf(t.state()).releasedInputs())) {
            return "RUNNING";
        }
        return tasks.stream().anyMatch(t -> t.error() != null) ? "FAILED" : "COMPLETED";
    }

    private static TaskView view(CompactionEntry entry) {
        return new TaskView(entry.getTask().getTaskId(), entry.getTask().getChannel(), entry.getTask().getType().name(), entry.getState(),
                entry.getAttempts(), List.copyOf(entry.getTask().getInputs()), List.copyOf(entry.getOutputs()), entry.getTask().getReason(),
                entry.getError());
    }

    private static List<CompactionEntry> entries(CollectionPipeline pipeline, int channel) {
        return pipeline.values(IngestStores.COMPACTIONS, channel);
    }

    private static List<Integer> channels(CollectionSpec spec, ManualCompaction request) {
        if (request.channel() != null && (request.channel() < 0 || request.channel() >= spec.getChannels())) {
            throw new IllegalArgumentException("channel " + request.channel() + " does not exist: " + spec.getName() + " has channels 0.."
                    + (spec.getChannels() - 1));
        }
        return IntStream.range(0, spec.getChannels()).filter(request::covers).boxed().toList();
    }

    private Map<String, Object> dryRunBody(ManualCompaction request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", request.type().name());
        body.put("partition", request.partition());
        body.put("channel", request.channel());
        body.put("segments", request.segments());
        body.put("targetSize", request.targetBytes());
        body.put("dryRun", true);
        return body;
    }
}
