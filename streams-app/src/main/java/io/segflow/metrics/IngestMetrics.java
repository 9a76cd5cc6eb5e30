package io.segflow.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.serde.BadInputReason;

import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** The ingest meters of one collection. Recording a meter never throws into the pipeline. */
public final class IngestMetrics {
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

    public void removeChannel(int channel) {
        registry.find("segflow.segments.sealed.waiting").tags(tags.and("channel", String.valueOf(channel))).meters()
                .forEach(registry::remove);
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

    public void deadLettered(BadInputReason reason) {
        counter("segflow.dlq.records", "Records sent to the dead-letter topic", Tags.of("reason", reason.name())).increment();
    }

    public void backpressure(long nanos) {
        registry.timer("segflow.ingest.backpressure", tags).record(nanos, TimeUnit.NANOSECONDS);
    }

    private Counter counter(String name, String description, Tags extra) {
        return Counter.builder(name).description(description).tags(tags.and(extra)).register(registry);
    }
}
