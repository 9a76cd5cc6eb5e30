package io.segflow.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusNamingConvention;

import java.util.List;

/**
 * Every meter Segflow declares, once: its name, type, unit, tags and meaning. The code that
 * records a meter names it here, and the README's metrics reference is rendered from this list
 * ({@link MetricsReference}).
 */
public enum SegflowMeter {
    SEGMENTS("segflow.segments", Meter.Type.GAUGE, null, List.of("collection", "channel", "state", "level"),
            "Segments of the channel in its catalog, by state and level"),
    SEGMENTS_SIZE("segflow.segments.size", Meter.Type.GAUGE, "bytes", List.of("collection", "channel", "state", "level"),
            "Bytes of the channel's segments by state and level: buffered while growing, of their files once flushed"),
    CHANNEL_OWNED("segflow.channel.owned", Meter.Type.GAUGE, null, List.of("collection", "channel"),
            "1 on the instance whose ingest task holds the channel (Prometheus's instance label names it); absent on the others"),
    READY("segflow.ready", Meter.Type.GAUGE, null, List.of(),
            "1 when every Kafka Streams application of the instance runs with its stores restored (GET /ready answers 200), else 0"),
    SEGMENTS_SEALED_WAITING("segflow.segments.sealed.waiting", Meter.Type.GAUGE, null, List.of("collection", "channel"),
            "Segments sealed and not yet flushed (uploads pending or failing)"),
    SEGMENTS_FLUSHED("segflow.segments.flushed", Meter.Type.COUNTER, null, List.of("collection", "level"),
            "Segments flushed to object storage"),
    ROWS_FLUSHED("segflow.rows.flushed", Meter.Type.COUNTER, null, List.of("collection", "level"),
            "Rows (L1) or deletes (L0) flushed"),
    BYTES_FLUSHED("segflow.bytes.flushed", Meter.Type.COUNTER, null, List.of("collection", "level"),
            "Bytes written to object storage by flushes"),
    UPLOAD_FAILURES("segflow.upload.failures", Meter.Type.COUNTER, null, List.of("collection"),
            "Failed attempts to upload a segment's files (retried with backoff)"),
    INGEST_BACKPRESSURE("segflow.ingest.backpressure", Meter.Type.TIMER, null, List.of("collection"),
            "Time the stream thread waited for upload capacity before taking the next record"),
    INGEST_COMPACTION_BACKPRESSURE("segflow.ingest.compaction.backpressure", Meter.Type.GAUGE, null, List.of("collection", "channel"),
            "Compaction backpressure on a channel's ingest: 0 off, 1 slowed, 2 paused (backpressure.compaction.* and backpressure.reclaim.*)"),
    INGEST_COMPACTION_WAIT("segflow.ingest.compaction.wait", Meter.Type.TIMER, null, List.of("collection"),
            "Time stream threads held DML records back, slowed or paused by compaction backpressure"),
    DLQ_RECORDS("segflow.dlq.records", Meter.Type.COUNTER, null, List.of("collection", "reason"),
            "Records sent to the dead-letter topic C.dlq, by the reason in their header"),
    CHANNEL_START("segflow.channel.start", Meter.Type.TIMER, null, List.of("collection"),
            "Time a channel task took to open on this instance: catalog, coordinator and L0 buffer loaded from its stores, row store caught up with C.dml"),
    STORE_RESTORE("segflow.store.restore", Meter.Type.TIMER, null, List.of("collection", "store"),
            "Time Kafka Streams took to restore a changelog partition of a store before its task could open"),
    STREAM_THREAD_FAILURES("segflow.stream.thread.failures", Meter.Type.COUNTER, null, List.of("collection"),
            "Stream threads that died of an exception and were replaced"),
    DML_LAG_RECORDS("segflow.dml.lag.records", Meter.Type.GAUGE, null, List.of("collection", "channel"),
            "Records of a channel of C.dml not yet processed: last stable offset less the group's committed offset"),
    DML_LAG_SECONDS("segflow.dml.lag.seconds", Meter.Type.GAUGE, null, List.of("collection", "channel"),
            "Age of the oldest record of a channel of C.dml not yet processed; 0 when caught up"),
    COMPACTION_BACKLOG_TASKS("segflow.compaction.backlog.tasks", Meter.Type.GAUGE, null, List.of("collection", "channel"),
            "Compaction tasks queued on a compactor and not yet running"),
    COMPACTION_BACKLOG_BYTES("segflow.compaction.backlog", Meter.Type.GAUGE, "bytes", List.of("collection", "channel"),
            "Bytes the queued compaction tasks will read (inputs and delta logs)"),
    COMPACTION_TASKS("segflow.compaction.tasks", Meter.Type.COUNTER, null, List.of("collection", "type"),
            "Compaction tasks committed"),
    COMPACTION_BYTES_READ("segflow.compaction.bytes.read", Meter.Type.COUNTER, null, List.of("collection", "type"),
            "Bytes the committed compactions read"),
    COMPACTION_BYTES_WRITTEN("segflow.compaction.bytes.written", Meter.Type.COUNTER, null, List.of("collection", "type"),
            "Bytes the committed compactions wrote"),
    COMPACTION_ROWS_DROPPED("segflow.compaction.rows.dropped", Meter.Type.COUNTER, null, List.of("collection", "type"),
            "Deleted or expired rows compaction removed"),
    COMPACTION_WORKER("segflow.compaction.worker", Meter.Type.TIMER, null, List.of("collection", "type"),
            "Time compaction workers spent on attempts that produced a result; with the bytes read, a worker's input rate"),
    COMPACTION_FAILURES("segflow.compaction.failures", Meter.Type.COUNTER, null, List.of("collection", "type", "status"),
            "Compaction attempts that failed or ran out of time (status FAILED or TIMEOUT)"),
    COMPACTION_IO_BYTES("segflow.compaction.io", Meter.Type.COUNTER, "bytes", List.of(),
            "Bytes the instance's compaction workers read and wrote, all collections: what compaction.io.bytes.per.second limits"),
    COMPACTION_IO_THROTTLED("segflow.compaction.io.throttled", Meter.Type.TIMER, null, List.of(),
            "Time compaction workers waited for the instance's compaction I/O budget (compaction.io.bytes.per.second)"),
    RECLAIM_LAG("segflow.reclaim.lag", Meter.Type.GAUGE, "seconds", List.of("collection", "channel"),
            "Age of the oldest deleted or expired row of the channel whose bytes are still in object storage"),
    RECLAIM_DEADLINE("segflow.reclaim.deadline", Meter.Type.GAUGE, "seconds", List.of("collection", "channel"),
            "The collection's reclaim deadline, which the reclaim lag should stay below"),
    READ_DECODED_BYTES("segflow.read.decoded", Meter.Type.GAUGE, "bytes", List.of(),
            "Estimated heap held by decoded segment files for reads, all collections: read.memory.bytes bounds it"),
    GC_OBJECTS_DELETED("segflow.gc.objects.deleted", Meter.Type.COUNTER, null, List.of("collection", "kind"),
            "Objects garbage collection deleted: kind dropped (files of Dropped segments) or orphan"),
    GC_DELETE_FAILURES("segflow.gc.delete.failures", Meter.Type.COUNTER, null, List.of("collection"),
            "Failed attempts to delete an object (retried at the next round)");

    private static final PrometheusNamingConvention PROMETHEUS = new PrometheusNamingConvention();

    private final String meterName;
    private final Meter.Type type;
    private final String baseUnit;
    private final List<String> tags;
    private final String description;

    SegflowMeter(String meterName, Meter.Type type, String baseUnit, List<String> tags, String description) {
        this.meterName = meterName;
        this.type = type;
        this.baseUnit = baseUnit;
        this.tags = tags;
        this.description = description;
    }

    /** The Micrometer name, dotted. */
    public String meterName() {
        return meterName;
    }

    public Meter.Type type() {
        return type;
    }

    /** The base unit, or null. */
    public String baseUnit() {
        return baseUnit;
    }

    public List<String> tags() {
        return tags;
    }

    public String description() {
        return description;
    }

    /** The name on {@code /metrics}: counters end in {@code _total}, timers are in seconds ({@code _count}, {@code _sum}, and {@code _max} beside). */
    public String prometheusName() {
        String name = PROMETHEUS.name(meterName, type, type == Meter.Type.TIMER ? "seconds" : baseUnit);
        return type == Meter.Type.COUNTER ? name + "_total" : name;
    }
}
