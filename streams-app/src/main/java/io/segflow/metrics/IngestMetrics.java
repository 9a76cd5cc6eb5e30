package io.segflow.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.segflow.schema.CompactionStatus;
import io.segflow.schema.CompactionType;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.serde.BadInputReason;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The ingest meters of one collection. Recording a meter never throws into the pipeline. */
public final class IngestMetrics {
    private static final String RECLAIM_LAG = "segflow.reclaim.lag";
    private static final String RECLAIM_DEADLINE = "segflow.reclaim.deadline";
    private static final String BACKLOG_TASKS = "segflow.compaction.backlog.tasks";
    private static final String BACKLOG_BYTES = "segflow.compaction.backlog";
    private final MeterRegistry registry;
    private final Tags tags;

    public IngestMetrics(MeterRegistry registry, String collection) {
        this.registry = registry;
        this.tags = Tags.of("collection", collection);
    }

    /** Segments of a channel sealed and waiting for their upload; removed with {@link #removeChannel}. */
    public void sealedWaiting(int channel, Supplier<Number> count) {
        Gauge.builder("segflow.segments.sealed.waiting", count).tags(tags.and("channel", String.valueOf(channel)))
                .description("Segments sealed and not yet flushed (uploads pending or failing)").register(registry);
    }

    /**
     * How long the bytes of a channel's oldest deleted or expired row have stayed in object storage,
     * next to the collection's reclaim deadline; removed with {@link #removeChannel}.
     */
    public void reclaimLag(int channel, Supplier<Number> lagSeconds, Supplier<Number> deadlineSeconds) {
        Tags channelTags = tags.and("channel", String.valueOf(channel));
        Gauge.builder(RECLAIM_LAG, lagSeconds).tags(channelTags).baseUnit("seconds")
                .description("Age of the oldest deleted or expired row of the channel whose bytes are still in object storage").register(registry);
        Gauge.builder(RECLAIM_DEADLINE, deadlineSeconds).tags(channelTags).baseUnit("seconds")
                .description("The collection's reclaim deadline, which the reclaim lag should stay below").register(registry);
    }

    /** Compaction tasks of a channel queued and not yet running, and the bytes they will read; removed with {@link #removeBacklog}. */
    public void compactionBacklog(int channel, Supplier<Number> tasks, Supplier<Number> bytes) {
        Tags channelTags = tags.and("channel", String.valueOf(channel));
        Gauge.builder(BACKLOG_TASKS, tasks).tags(channelTags).description("Compaction tasks queued and not yet running").register(registry);
        Gauge.builder(BACKLOG_BYTES, bytes).tags(channelTags).baseUnit("bytes")
                .description("Bytes the queued compaction tasks will read (inputs and delta logs)").register(registry);
    }

    public void removeChannel(int channel) {
        remove(channel, "segflow.segments.sealed.waiting", RECLAIM_LAG, RECLAIM_DEADLINE);
    }

    public void removeBacklog(int channel) {
        remove(channel, BACKLOG_TASKS, BACKLOG_BYTES);
    }

    private void remove(int channel, String... names) {
        for (String name : names) {
            registry.find(name).tags(tags.and("channel", String.valueOf(channel))).meters().forEach(registry::remove);
        }
    }

    public void uploadFailed() {
        counter("segflow.upload.failures", "Failed attempts to upload a segment's files", Tags.empty()).increment();
    }

    public void flushed(SegmentLevel level, long rows, long bytes) {
        Tags levelTag = Tags.of("level", level.name());
        counter("segflow.segments.flushed", "Segments flushed to object storage", levelTag).increment();
        counter("segflow.rows.flushed", "Rows (L1) or deletes (L0) flushed", levelTag).increment(rows);
        counter("segflow.bytes.flushed", "Bytes written to object storage by flushes", levelTag).increment(bytes);
    }

    public void streamThreadFailed() {
        counter("segflow.stream.thread.failures", "Stream threads that died of an exception and were replaced", Tags.empty()).increment();
    }

    public void deadLettered(BadInputReason reason) {
        counter("segflow.dlq.records", "Records sent to the dead-letter topic", Tags.of("reason", reason.name())).increment();
    }

    public void backpressure(long nanos) {
        registry.timer("segflow.ingest.backpressure", tags).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void compacted(CompactionType type, long bytesRead, long bytesWritten, long rowsDropped) {
        Tags typeTag = Tags.of("type", type.name());
        counter("segflow.compaction.tasks", "Compaction tasks committed", typeTag).increment();
        counter("segflow.compaction.bytes.read", "Bytes compaction workers read", typeTag).increment(bytesRead);
        counter("segflow.compaction.bytes.written", "Bytes compaction workers wrote", typeTag).increment(bytesWritten);
        counter("segflow.compaction.rows.dropped", "Deleted or expired rows compaction removed", typeTag).increment(rowsDropped);
    }

    /** Time a worker spent on one attempt that produced a result: with the bytes read, a worker's input rate. */
    public void compactionWorked(CompactionType type, long nanos) {
        Timer.builder("segflow.compaction.worker").description("Time compaction workers spent on attempts that produced a result")
                .tags(tags.and("type", type.name())).register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    public void compactionFailed(CompactionType type, CompactionStatus status) {
        counter("segflow.compaction.failures", "Compaction attempts that failed or ran out of time",
                Tags.of("type", type.name(), "status", status.name())).increment();
    }

    /** Objects garbage collection deleted: {@code kind} dropped (files of Dropped segments) or orphan. */
    public void collected(String kind, long objects) {
        counter("segflow.gc.objects.deleted", "Objects garbage collection deleted", Tags.of("kind", kind)).increment(objects);
    }

    public void collectFailed() {
        counter("segflow.gc.delete.failures", "Failed attempts to delete an object (retried at the next round)", Tags.empty()).increment();
    }

    private Counter counter(String name, String description, Tags extra) {
        return Counter.builder(name).description(description).tags(tags.and(extra)).register(registry);
    }
}
