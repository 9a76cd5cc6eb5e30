package io.segflow.ingest;

import io.segflow.catalog.CatalogChange;
import io.segflow.catalog.ChannelCatalog;
import io.segflow.catalog.SegmentTally;
import io.segflow.collection.CollectionTopics;
import io.segflow.compaction.ChannelCompactions;
import io.segflow.compaction.CompactionBackpressure;
import io.segflow.compaction.CompactionParts;
import io.segflow.delete.L0Buffer;
import io.segflow.gc.GarbageCollector;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.CompactionResult;
import io.segflow.schema.CompactionStatus;
import io.segflow.schema.CompactionTask;
import io.segflow.schema.DeltaAppend;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.serde.RecordSource;
import io.segflow.seal.SealReason;
import io.segflow.segment.RowStore;
import io.segflow.segment.SegmentWriter;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

/**
 * The task of one channel: it owns the channel's {@link ChannelCatalog} and dispatches what it
 * reads, typed by its source, to three steps: DML records and flush barriers to the
 * {@link IngestStep}, manual requests and compaction results to the channel's
 * {@link ChannelCompactions coordinator}; a wall-clock punctuator ticks each step and the
 * channel's {@link GarbageCollector}. One thread runs all of them, so the catalog has one writer.
 */
public final class ChannelTask implements Processor<byte[], ChannelInput, Object, Object> {
    public static final String SEGMENTS_OUT = "segments-out";
    public static final String DLQ_OUT = "dlq-out";
    public static final String TASKS_OUT = "tasks-out";
    private static final String RESULTS_NEXT = "compaction.results.next";

    private final IngestContext ingest;
    private ProcessorContext<Object, Object> context;
    private int channel;
    private ChannelCatalog catalog;
    private SegmentWriter segments;
    private IngestStep step;
    private ChannelCompactions compactions;
    private ChannelImports imports;
    private GarbageCollector gc;
    private ChannelFences.Fence fence;
    private KeyValueStore<String, Long> meta;
    private CompactionThrottle throttle;
    /** The offset after the last result of C.compaction-results applied, -1 before the first. */
    private long nextResult;
    private Cancellable ticker;
    private volatile double reclaimLagSeconds;
    /** The catalog's counts for the gauges, taken on the stream thread at each tick (the catalog has one thread). */
    private volatile SegmentTally tally = SegmentTally.EMPTY;

    public ChannelTask(IngestContext ingest) {
        this.ingest = ingest;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        long started = System.nanoTime();
        this.context = context;
        this.channel = context.taskId().partition();
        long now = context.currentSystemTimeMs();
        ChannelOutput out = output();
        meta = context.getStateStore(IngestStores.META);
        catalog = new ChannelCatalog(context.getStateStore(IngestStores.SEGMENTS), out::segment);
        catalog.restore();
        segments = new SegmentWriter(ingest.collection(), channel, ingest.spec().get().getPkType(), catalog,
                meta, context.<RowStore>getStateStore(IngestStores.ROWS));
        step = new IngestStep(ingest, channel, segments, new L0Buffer(context.getStateStore(IngestStores.L0)),
                meta, out, context::currentSystemTimeMs);
        step.restore(CollectionTopics.dml(ingest.collection()), now);
        fence = ingest.fences().of(channel);
        CompactionParts parts = ingest.compaction();
        compactions = new ChannelCompactions(ingest.collection(), channel, parts.settings(), catalog,
                context.getStateStore(IngestStores.COMPACTIONS), segments::allocateId, out::task);
        compactions.restore(now);
        imports = new ChannelImports(channel, catalog, meta);
        imports.restore();
        gc = new GarbageCollector(ingest.collection(), channel, parts.settings(), parts.storage(), parts.pins(), parts.gcIo(),
                ingest.metrics(), now);
        ingest.metrics().reclaimLag(channel, () -> reclaimLagSeconds,
                () -> parts.settings().thresholds(ingest.spec().get()).reclaimDeadlineMs() / 1000.0);
        Long next = meta.get(RESULTS_NEXT);
        nextResult = next == null ? -1 : next;
        throttle = CompactionThrottle.of(ingest, channel, new CompactionThrottle.Task() {
            @Override
            public void apply(CompactionThrottle.Peeked peeked) {
                result(peeked.offset(), peeked.result(), context.currentSystemTimeMs());
            }

            @Override
            public long nextResult() {
                return nextResult;
            }

            @Override
            public void waited(long nanos) {
                ingest.metrics().compactionBackpressureWait(nanos);
            }
        });
        ingest.metrics().compactionBackpressure(channel, () -> throttle.state().ordinal());
        tally = catalog.tally();
        ingest.metrics().channelSegments(channel, () -> tally);
        weighBacklog(now);
        ticker = context.schedule(Duration.ofMillis(ingest.settings().tickMs()), PunctuationType.WALL_CLOCK_TIME, this::tick);
        ingest.metrics().channelStarted(System.nanoTime() - started);
    }

    @Override
    public void process(Record<byte[], ChannelInput> record) {
        RecordMetadata metadata = context.recordMetadata().orElseThrow();
        long now = context.currentSystemTimeMs();
        ChannelInput input = record.value();
        if (input instanceof ChannelInput.Dml dml) {
            throttle.beforeRecord();
            step.dml(record, dml.value(), new RecordSource(metadata.topic(), metadata.partition(), metadata.offset()), now);
        } else if (input instanceof ChannelInput.Barrier barrier) {
            step.barrier(barrier.flushId(), metadata.offset(), now);
        } else if (input instanceof ChannelInput.Manual manual) {
            step.passed(metadata.offset());
            if (manual.request().covers(channel)) {
                compactions.request(manual.request(), ingest.spec().get(), minUnwrittenRowPosition(), now);
            }
        } else if (input instanceof ChannelInput.Import marker) {
            step.passed(metadata.offset());
            imports.apply(marker.marker(), metadata.offset(), now);
        } else if (input instanceof ChannelInput.Result result) {
            result(metadata.offset(), result.result(), now);
        }
    }

    private void tick(long now) {
        HoldBudget.refill();
        CollectionSpec spec = ingest.spec().get();
        step.beforeTick();
        if (step.seal(now)) {
            // Growing segments holding rows an urgent L0 segment may delete keep it from compacting until they flush.
            long blocking = compactions.urgentL0Blocked(spec, segments.minUnflushedRowPosition(), now);
            if (blocking >= 0) {
                step.sealGrowing(blocking, SealReason.RECLAIM_DEADLINE);
            }
            compactions.trigger(spec, minUnwrittenRowPosition(), now);
            weighBacklog(now);
        }
        gc.tick(catalog::settled, this::beingWritten, now, this::collected);
        tally = catalog.tally();
        if (channel == 0) {
            ingest.imports().drive(ingest.collection(), now);
        }
        step.afterTick();
    }

    /**
     * The first position of a row not yet Flushed: in the row store, or of an import still open. L0
     * deletes at or after it wait, as they must still meet those rows.
     */
    private long minUnwrittenRowPosition() {
        return Math.min(segments.minUnflushedRowPosition(), imports.minOpenPosition());
    }

    /**
     * The result at {@code offset} of {@code C.compaction-results}, delivered by Kafka Streams or
     * read by the throttle while it held the channel back: applied once, whichever comes first; the
     * offset after it is kept in the task's stores, in the same transaction.
     */
    private void result(long offset, CompactionResult result, long now) {
        if (offset < nextResult) {
            return;
        }
        applyResult(result, now);
        nextResult = offset + 1;
        meta.put(RESULTS_NEXT, nextResult);
        weighBacklog(now);
    }

    /** The compaction work the channel's ingest has caused, which its throttle weighs: at each seal check and after each result. */
    private void weighBacklog(long now) {
        CompactionBackpressure.Work work = CompactionBackpressure.Work.of(compactions.backlog(), catalog.settled(),
                step.bufferedDeletes(), ingest.spec().get().getTtlMs(), now);
        reclaimLagSeconds = work.reclaimLagMs() / 1000.0;
        throttle.update(work);
    }

    /** A report of the compaction stream: applied under the readers' move lock, as rows move between segments. */
    private void applyResult(CompactionResult result, long now) {
        if (result == null) {
            return;
        }
        fence.beginMove();
        try {
            compactions.apply(result, now);
        } finally {
            fence.endMove();
        }
        if (result.getStatus() == CompactionStatus.COMPLETED) {
            long written = result.getOutputs().stream().mapToLong(SegmentInfo::getBytes).sum()
                    + result.getDeltaAppends().stream().mapToLong(DeltaAppend::getBytes).sum();
            ingest.metrics().compacted(result.getType(), result.getBytesRead(), written, result.getRowsDropped());
        }
    }

    /** Segments whose objects may be being written: not flushed yet, importing, or outputs and L0 targets of an open compaction. */
    private Set<Long> beingWritten() {
        Set<Long> writing = new HashSet<>(catalog.unflushedIds());
        writing.addAll(imports.importingIds());
        writing.addAll(compactions.writing());
        return writing;
    }

    /** A Dropped segment whose files are gone leaves the catalog (a tombstone on the compacted topic). */
    private void collected(long segmentId) {
        catalog.apply(CatalogChange.forget(segmentId));
    }

    private ChannelOutput output() {
        return new ChannelOutput() {
            @Override
            public void segment(long id, SegmentInfo segmentOrNull) {
                context.forward(new Record<Object, Object>(id, segmentOrNull, context.currentSystemTimeMs()), SEGMENTS_OUT);
            }

            @Override
            public void task(CompactionTask task) {
                context.forward(new Record<Object, Object>(String.valueOf(channel), task, context.currentSystemTimeMs()), TASKS_OUT);
            }

            @Override
            public void deadLetter(byte[] key, byte[] value, long timestampMs, Headers headers) {
                context.forward(new Record<Object, Object>(key, value, timestampMs, headers), DLQ_OUT);
            }
        };
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.cancel();
        }
        if (channel == 0) {
            ingest.imports().release(ingest.collection());
        }
        if (step != null) {
            step.close();
        }
        if (throttle != null) {
            throttle.close();
        }
    }
}
