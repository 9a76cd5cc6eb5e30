package io.segflow.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.segflow.catalog.SegmentTally;
import io.segflow.schema.CompactionStatus;
import io.segflow.schema.CompactionType;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import io.segflow.schema.serde.BadInputReason;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The meters of one collection, as {@link SegflowMeter} declares them. Recording a meter never throws into the pipeline. */
public final class IngestMetrics {
    private final MeterRegistry registry;
    private final Tags tags;

    public IngestMetrics(MeterRegistry registry, String collection) {
        this.registry = registry;
        this.tags = Tags.of("collection", collection);
    }

    /**
     * Counters that alerts and dashboards watch on ingest instances, at zero before their first
     * event, so that Prometheus sees a series that has not moved rather than none.
     */
    public void ingestCountersAtZero() {
        counter(SegflowMeter.UPLOAD_FAILURES, Tags.empty());
        counter(SegflowMeter.GC_DELETE_FAILURES, Tags.empty());
        counter(SegflowMeter.STREAM_THREAD_FAILURES, Tags.empty());
        for (BadInputReason reason : BadInputReason.values()) {
            counter(SegflowMeter.DLQ_RECORDS, Tags.of("reason", reason.name()));
        }
    }

    /** The same for compactors: failed and timed-out attempts of every compaction type. */
    public void compactionCountersAtZero() {
        for (CompactionType type : CompactionType.values()) {
            for (CompactionStatus status : List.of(CompactionStatus.FAILED, CompactionStatus.TIMEOUT)) {
                counter(SegflowMeter.COMPACTION_FAILURES, Tags.of("type", type.name(), "status", status.name()));
            }
        }
    }

    /**
     * The segments of a channel whose task runs here, by state and level, from the latest snapshot
     * of its catalog, and that this instance holds the channel; removed with {@link #removeChannel}.
     */
    public void channelSegments(int channel, Supplier<SegmentTally> tally) {
        for (SegmentState state : SegmentState.values()) {
            for (SegmentLevel level : SegmentLevel.values()) {
                Tags cell = channelTags(channel).and("state", state.name(), "level", level.name());
                gauge(SegflowMeter.SEGMENTS, () -> tally.get().count(state, level), cell);
                gauge(SegflowMeter.SEGMENTS_SIZE, () -> tally.get().bytes(state, level), cell);
            }
        }
        gauge(SegflowMeter.CHANNEL_OWNED, () -> 1, channelTags(channel));
    }

    /** Segments of a channel sealed and waiting for their upload; removed with {@link #removeChannel}. */
    public void sealedWaiting(int channel, Supplier<Number> count) {
        gauge(SegflowMeter.SEGMENTS_SEALED_WAITING, count, channelTags(channel));
    }

    /**
     * How long the bytes of a channel's oldest deleted or expired row have stayed in object storage,
     * next to the collection's reclaim deadline; removed with {@link #removeChannel}.
     */
    public void reclaimLag(int channel, Supplier<Number> lagSeconds, Supplier<Number> deadlineSeconds) {
        gauge(SegflowMeter.RECLAIM_LAG, lagSeconds, channelTags(channel));
        gauge(SegflowMeter.RECLAIM_DEADLINE, deadlineSeconds, channelTags(channel));
    }

    /** Compaction tasks of a channel queued and not yet running, and the bytes they will read; removed with {@link #removeBacklog}. */
    public void compactionBacklog(int channel, Supplier<Number> tasks, Supplier<Number> bytes) {
        gauge(SegflowMeter.COMPACTION_BACKLOG_TASKS, tasks, channelTags(channel));
        gauge(SegflowMeter.COMPACTION_BACKLOG_BYTES, bytes, channelTags(channel));
    }

    /** Compaction backpressure on a channel's ingest, 0 off, 1 slowed, 2 paused; removed with {@link #removeChannel}. */
    public void compactionBackpressure(int channel, Supplier<Number> state) {
        gauge(SegflowMeter.INGEST_COMPACTION_BACKPRESSURE, state, channelTags(channel));
    }

    public void removeChannel(int channel) {
        remove(channel, SegflowMeter.SEGMENTS_SEALED_WAITING, SegflowMeter.RECLAIM_LAG, SegflowMeter.RECLAIM_DEADLINE,
                SegflowMeter.INGEST_COMPACTION_BACKPRESSURE, SegflowMeter.SEGMENTS, SegflowMeter.SEGMENTS_SIZE, SegflowMeter.CHANNEL_OWNED);
    }

    public void removeBacklog(int channel) {
        remove(channel, SegflowMeter.COMPACTION_BACKLOG_TASKS, SegflowMeter.COMPACTION_BACKLOG_BYTES);
    }

    private void remove(int channel, SegflowMeter... meters) {
        for (SegflowMeter meter : meters) {
            registry.find(meter.meterName()).tags(channelTags(channel)).meters().forEach(registry::remove);
        }
    }

    public void uploadFailed() {
        counter(SegflowMeter.UPLOAD_FAILURES, Tags.empty()).increment();
    }

    public void flushed(SegmentLevel level, long rows, long bytes) {
        Tags levelTag = Tags.of("level", level.name());
        counter(SegflowMeter.SEGMENTS_FLUSHED, levelTag).increment();
        counter(SegflowMeter.ROWS_FLUSHED, levelTag).increment(rows);
        counter(SegflowMeter.BYTES_FLUSHED, levelTag).increment(bytes);
    }

    public void streamThreadFailed() {
        counter(SegflowMeter.STREAM_THREAD_FAILURES, Tags.empty()).increment();
    }

    public void deadLettered(BadInputReason reason) {
        counter(SegflowMeter.DLQ_RECORDS, Tags.of("reason", reason.name())).increment();
    }

    public void backpressure(long nanos) {
        timer(SegflowMeter.INGEST_BACKPRESSURE, Tags.empty()).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void channelStarted(long nanos) {
        timer(SegflowMeter.CHANNEL_START, Tags.empty()).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void storeRestored(String store, long nanos) {
        timer(SegflowMeter.STORE_RESTORE, Tags.of("store", store)).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void compactionBackpressureWait(long nanos) {
        timer(SegflowMeter.INGEST_COMPACTION_WAIT, Tags.empty()).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void compacted(CompactionType type, long bytesRead, long bytesWritten, long rowsDropped) {
        Tags typeTag = Tags.of("type", type.name());
        counter(SegflowMeter.COMPACTION_TASKS, typeTag).increment();
        counter(SegflowMeter.COMPACTION_BYTES_READ, typeTag).increment(bytesRead);
        counter(SegflowMeter.COMPACTION_BYTES_WRITTEN, typeTag).increment(bytesWritten);
        counter(SegflowMeter.COMPACTION_ROWS_DROPPED, typeTag).increment(rowsDropped);
    }

    /** Time a worker spent on one attempt that produced a result: with the bytes read, a worker's input rate. */
    public void compactionWorked(CompactionType type, long nanos) {
        timer(SegflowMeter.COMPACTION_WORKER, Tags.of("type", type.name())).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void compactionFailed(CompactionType type, CompactionStatus status) {
        counter(SegflowMeter.COMPACTION_FAILURES, Tags.of("type", type.name(), "status", status.name())).increment();
    }

    /** Objects garbage collection deleted: {@code kind} dropped (files of Dropped segments) or orphan. */
    public void collected(String kind, long objects) {
        counter(SegflowMeter.GC_OBJECTS_DELETED, Tags.of("kind", kind)).increment(objects);
    }

    public void collectFailed() {
        counter(SegflowMeter.GC_DELETE_FAILURES, Tags.empty()).increment();
    }

    private Tags channelTags(int channel) {
        return tags.and("channel", String.valueOf(channel));
    }

    private void gauge(SegflowMeter meter, Supplier<Number> value, Tags meterTags) {
        Gauge.builder(meter.meterName(), value).tags(meterTags).baseUnit(meter.baseUnit()).description(meter.description()).register(registry);
    }

    private Counter counter(SegflowMeter meter, Tags extra) {
        return Counter.builder(meter.meterName()).description(meter.description()).tags(tags.and(extra)).register(registry);
    }

    private Timer timer(SegflowMeter meter, Tags extra) {
        return Timer.builder(meter.meterName()).description(meter.description()).tags(tags.and(extra)).register(registry);
    }
}
