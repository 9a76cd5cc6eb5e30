package io.segflow.lag;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.segflow.collection.CollectionTopics;
import io.segflow.ingest.CollectionPipeline;
import io.segflow.ingest.CollectionPipelines;
import io.segflow.metrics.SegflowMeter;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples, on one thread of its own, the lag of every channel of every collection this instance
 * runs, keeps a sliding window per channel, and answers {@code GET /collections/C/lag} and the
 * {@code segflow_dml_lag_*} gauges from it. Offsets and whether a live member of the group holds
 * a channel come from the broker, so every instance answers for the whole collection; the owners'
 * addresses come from Kafka Streams' metadata.
 */
public final class LagMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LagMonitor.class);

    /** What the monitor reads from Kafka. */
    public interface Offsets {
        /** The group's committed offset of each partition of {@code topic} (absent: none committed yet). */
        Map<Integer, Long> committed(String groupId, String topic) throws Exception;

        /** The partitions of {@code topic} assigned to a live member of the group, as the group coordinator sees it. */
        Set<Integer> held(String groupId, String topic) throws Exception;

        /** The last stable offset of each partition of {@code topic} (read committed). */
        Map<Integer, Long> lastStable(String topic) throws Exception;

        /** The timestamp of the first committed record at or after {@code offset}, if there is one. */
        OptionalLong timestampAt(String topic, int partition, long offset);
    }

    private record Key(String collection, int channel) {
    }

    private final CollectionPipelines pipelines;
    private final Offsets offsets;
    private final LagSettings settings;
    private final MeterRegistry meters;
    private final Time time;
    private final Map<Key, Deque<LagSample>> windows = new ConcurrentHashMap<>();
    private final Map<Key, ChannelLag> latest = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "segflow-lag");
        thread.setDaemon(true);
        return thread;
    });

    public LagMonitor(CollectionPipelines pipelines, Offsets offsets, LagSettings settings, MeterRegistry meters, Time time) {
        this.pipelines = pipelines;
        this.offsets = offsets;
        this.settings = settings;
        this.meters = meters;
        this.time = time;
    }

    public void start() {
        sampler.scheduleWithFixedDelay(this::sampleAll, 0, settings.sampleIntervalMs(), TimeUnit.MILLISECONDS);
    }

    private void sampleAll() {
        for (String collection : pipelines.ingesting()) {
            try {
                sample(collection);
            } catch (Exception e) {
                log.debug("{}: cannot sample the lag: {}", collection, e.toString());
            }
        }
    }

    /** Takes one sample of every channel of {@code collection}. */
    synchronized void sample(String collection) throws Exception {
        CollectionPipeline pipeline = pipelines.ensure(collection);
        String topic = CollectionTopics.dml(collection);
        Map<Integer, Long> ends = offsets.lastStable(topic);
        String group = CollectionPipeline.applicationId(collection);
        Map<Integer, Long> committed = offsets.committed(group, topic);
        Set<Integer> held = offsets.held(group, topic);
        Map<Integer, String> owners = pipeline.owners();
        long now = time.milliseconds();
        for (Map.Entry<Integer, Long> end : ends.entrySet()) {
            int channel = end.getKey();
            Key key = new Key(collection, channel);
            LagSample sample = new LagSample(now, committed.getOrDefault(channel, 0L), end.getValue());
            Deque<LagSample> window = windows.computeIfAbsent(key, k -> new ArrayDeque<>());
            window.addLast(sample);
            while (window.size() > settings.windowSamples()) {
                window.removeFirst();
            }
            double seconds = 0;
            if (sample.lag() > 0) {
                OptionalLong oldest = offsets.timestampAt(topic, channel, sample.committed());
                seconds = oldest.isPresent() ? Math.max(0, now - oldest.getAsLong()) / 1000.0 : 0;
            }
            boolean live = held.contains(channel);
            ChannelLag lag = new ChannelLag(channel, live ? owners.get(channel) : null, sample.committed(), sample.end(), sample.lag(), seconds,
                    LagEvaluator.evaluate(List.copyOf(window), live));
            if (latest.put(key, lag) == null) {
                register(key);
            }
        }
    }

    private void register(Key key) {
        String channel = String.valueOf(key.channel());
        Gauge.builder(SegflowMeter.DML_LAG_RECORDS.meterName(), latest, map -> map.get(key).lag())
                .description(SegflowMeter.DML_LAG_RECORDS.description())
                .tags("collection", key.collection(), "channel", channel).register(meters);
        Gauge.builder(SegflowMeter.DML_LAG_SECONDS.meterName(), latest, map -> map.get(key).lagSeconds())
                .description(SegflowMeter.DML_LAG_SECONDS.description())
                .tags("collection", key.collection(), "channel", channel).register(meters);
    }

    /** The channels of {@code collection} as last sampled (sampled now if never yet). */
    public List<ChannelLag> report(String collection) throws Exception {
        if (latest.keySet().stream().noneMatch(k -> k.collection().equals(collection))) {
            sample(collection);
        }
        Map<Integer, ChannelLag> byChannel = new TreeMap<>();
        latest.forEach((key, lag) -> {
            if (key.collection().equals(collection)) {
                byChannel.put(key.channel(), lag);
            }
        });
        return new ArrayList<>(byChannel.values());
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
