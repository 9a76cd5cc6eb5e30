package io.segflow.fanout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.catalog.SegmentGroups;
import io.segflow.compaction.CompactionBackpressure;
import io.segflow.compaction.CompactionBacklog;
import io.segflow.http.Peers;
import io.segflow.ingest.CollectionPipeline;
import io.segflow.ingest.CollectionPipelines;
import io.segflow.ingest.IngestStores;
import io.segflow.lag.LagMonitor;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.SegmentInfo;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.state.HostInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /collections/C/lag}: the DML lag of every channel (from the broker, so any instance
 * knows it), with each channel's compaction backlog, reclaim lag and backpressure, which only the instance
 * holding the channel's stores knows; the others are asked for theirs. An instance that does not
 * answer is listed under {@code unavailable} rather than failing the answer: lag is read most
 * when instances fail.
 */
public final class CollectionLag {
    /** A channel's compaction tasks not yet done, as its coordinator records them, and the bytes they will read. */
    public record ChannelCompaction(int channel, int queuedTasks, long queuedBytes, int runningTasks, long runningBytes) {
        static ChannelCompaction of(int channel, CompactionBacklog backlog) {
            return new ChannelCompaction(channel, backlog.queuedTasks(), backlog.queuedBytes(), backlog.runningTasks(), backlog.runningBytes());
        }

        CompactionBacklog backlog() {
            return new CompactionBacklog(queuedTasks, queuedBytes, runningTasks, runningBytes);
        }
    }

    /** How long the bytes of a channel's oldest deleted or expired row have stayed in object storage. */
    public record ChannelReclaim(int channel, double lagSeconds) {
    }

    /** Compaction backpressure on a channel's ingest, as its policy weighs the channel's recorded backlog and reclaim lag. */
    public record ChannelBackpressure(int channel, CompactionBackpressure.State state, String cause) {
    }

    /** An instance that did not answer, so its channels' compaction and reclaim lags are missing. */
    public record Unavailable(String instance, String error) {
    }

    private final CollectionPipelines pipelines;
    private final LagMonitor dml;
    private final Peers peers;
    private final ObjectMapper json;
    private final Time time;

    public CollectionLag(CollectionPipelines pipelines, LagMonitor dml, ObjectMapper json, Time time) {
        this.pipelines = pipelines;
        this.dml = dml;
        this.peers = new Peers(json);
        this.json = json;
        this.time = time;
    }

    /** The lags of every channel of {@code spec}; the compaction and reclaim lags of this instance's channels only if {@code localOnly}. */
    public Map<String, Object> report(CollectionSpec spec, boolean localOnly) throws Exception {
        CollectionPipeline pipeline = pipelines.ensure(spec.getName());
        List<ChannelCompaction> compactions = new ArrayList<>();
        List<ChannelReclaim> reclaims = new ArrayList<>();
        List<ChannelBackpressure> pressures = new ArrayList<>();
        List<Unavailable> unavailable = new ArrayList<>();
        Queryable.query(pipeline, () -> {
            local(pipeline, spec, compactions, reclaims, pressures);
            return null;
        });
        if (!localOnly) {
            for (HostInfo peer : pipeline.otherInstances()) {
                try {
                    JsonNode remote = peers.get(peer, Peers.path("collections", spec.getName(), "lag") + "?scope=local");
                    remote.path("compaction").path("channels").forEach(c -> compactions.add(json.convertValue(c, ChannelCompaction.class)));
                    remote.path("reclaim").path("channels").forEach(c -> reclaims.add(json.convertValue(c, ChannelReclaim.class)));
                    remote.path("backpressure").path("channels").forEach(c -> pressures.add(json.convertValue(c, ChannelBackpressure.class)));
                } catch (IllegalStateException e) {
                    unavailable.add(new Unavailable(peer.host() + ":" + peer.port(), e.getMessage()));
                }
            }
        }
        compactions.sort(Comparator.comparingInt(ChannelCompaction::channel));
        reclaims.sort(Comparator.comparingInt(ChannelReclaim::channel));
        pressures.sort(Comparator.comparingInt(ChannelBackpressure::channel));
        CompactionBacklog total = compactions.stream().map(ChannelCompaction::backlog).reduce(CompactionBacklog.NONE, CompactionBacklog::plus);

        Map<String, Object> compaction = new LinkedHashMap<>();
        compaction.put("queuedTasks", total.queuedTasks());
        compaction.put("queuedBytes", total.queuedBytes());
        compaction.put("runningTasks", total.runningTasks());
        compaction.put("runningBytes", total.runningBytes());
        compaction.put("channels", compactions);
        Map<String, Object> reclaim = new LinkedHashMap<>();
        reclaim.put("lagSeconds", reclaims.stream().mapToDouble(ChannelReclaim::lagSeconds).max().orElse(0));
        reclaim.put("deadlineSeconds", pipeline.compactionSettings().thresholds(spec).reclaimDeadlineMs() / 1000.0);
        reclaim.put("channels", reclaims);
        Map<String, Object> backpressure = new LinkedHashMap<>();
        backpressure.put("state", pressures.stream().map(ChannelBackpressure::state).max(Comparator.naturalOrder())
                .orElse(CompactionBackpressure.State.OFF));
        backpressure.put("channels", pressures);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("collection", spec.getName());
        answer.put("channels", dml.report(spec.getName()));
        answer.put("compaction", compaction);
        answer.put("reclaim", reclaim);
        answer.put("backpressure", backpressure);
        answer.put("unavailable", unavailable);
        return answer;
    }

    private void local(CollectionPipeline pipeline, CollectionSpec spec, List<ChannelCompaction> compactions, List<ChannelReclaim> reclaims,
                       List<ChannelBackpressure> pressures) {
        long now = time.milliseconds();
        for (int channel : pipeline.localChannels()) {
            CompactionBacklog backlog = CompactionBacklog.of(pipeline.values(IngestStores.COMPACTIONS, channel));
            compactions.add(ChannelCompaction.of(channel, backlog));
            List<SegmentInfo> settled = SegmentGroups.of(pipeline.<SegmentInfo>values(IngestStores.SEGMENTS, channel)).settled();
            CompactionBackpressure.Work work = CompactionBackpressure.Work.of(backlog, settled,
                    pipeline.store(IngestStores.L0, channel).approximateNumEntries(), spec.getTtlMs(), now);
            reclaims.add(new ChannelReclaim(channel, work.reclaimLagMs() / 1000.0));
            CompactionBackpressure.Pressure pressure = pipeline.compactionBackpressure().of(work);
            pressures.add(new ChannelBackpressure(channel, pressure.state(), pressure.cause()));
        }
    }
}
