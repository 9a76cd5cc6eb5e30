package io.segflow.ingest;

import io.segflow.collection.CollectionTopics;
import io.segflow.compaction.ChannelCompactions;
import io.segflow.compaction.CompactionParts;
import io.segflow.compaction.CompactionRequests;
import io.segflow.compaction.ManualCompaction;
import io.segflow.delete.L0Buffer;
import io.segflow.gc.GarbageCollector;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.CompactionResult;
import io.segflow.schema.CompactionStatus;
import io.segflow.schema.CompactionTask;
import io.segflow.schema.DeltaAppend;
import io.segflow.schema.DmlOp;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.SegmentState;
import io.segflow.schema.dml.DmlDecoder;
import io.segflow.schema.dml.DmlEvent;
import io.segflow.schema.serde.BadInputException;
import io.segflow.schema.serde.RecordSource;
import io.segflow.seal.ChannelView;
import io.segflow.seal.L0Batch;
import io.segflow.seal.SealDecision;
import io.segflow.seal.SealPolicies;
import io.segflow.segment.ChannelSegments;
import io.segflow.segment.RowStore;
import io.segflow.segment.StoredRow;
import io.segflow.storage.FlushJob;
import io.segflow.storage.FlushResult;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The ingest task of one channel. Records: INSERT and UPSERT rows go to the growing segment of
 * their partition, DELETE and UPSERT deletes to the L0 buffer, bad input to {@code C.dlq}, flush
 * barriers seal everything. A wall-clock punctuator records finished uploads (Sealed → Flushing →
 * Flushed, published to {@code C.segments}), runs the seal and L0 flush policies, and starts
 * uploads of sealed segments on the uploader's threads.
 */
public final class ChannelProcessor implements Processor<byte[], byte[], Object, Object> {
    public static final String SEGMENTS_OUT = "segments-out";
    public static final String DLQ_OUT = "dlq-out";
    public static final String TASKS_OUT = "tasks-out";
    private static final Logger log = LoggerFactory.getLogger(ChannelProcessor.class);
    private static final String L0_CUT_THROUGH = "l0.cut-through";
    private static final String FLUSH_PREFIX = "flush/";
    private static final String RECLAIM_SEAL = "reclaim-deadline";

    private final IngestContext ingest;
    private final IngestSettings settings;
    private final Deserializer<CompactionResult> results;
    private final Map<Long, Future<?>> uploads = new HashMap<>();
    private final BlockingQueue<FlushResult> completed = new LinkedBlockingQueue<>();
    private final Map<String, Long> pendingFlushes = new LinkedHashMap<>();
    private final AtomicInteger waitingGauge = new AtomicInteger();
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, Long> meta;
    private ChannelSegments segments;
    private L0Buffer l0;
    private int channel;
    private CollectionSpec decoderSpec;
    private DmlDecoder decoder;
    private long lastSealCheckMs;
    private ChannelFences.Fence fence;
    /** Position of the last record processed, -1 before the first. */
    private long lastPosition = -1;
    private Cancellable ticker;
    private ChannelCompactions compactions;
    private GarbageCollector gc;

    public ChannelProcessor(IngestContext ingest, Deserializer<CompactionResult> results) {
        this.ingest = ingest;
        this.settings = ingest.settings();
        this.results = results;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.channel = context.taskId().partition();
        this.meta = context.getStateStore(IngestStores.META);
        long now = context.currentSystemTimeMs();
        segments = new ChannelSegments(ingest.collection(), channel, ingest.spec().get().getPkType(),
                context.getStateStore(IngestStores.SEGMENTS), meta, context.<RowStore>getStateStore(IngestStores.ROWS));
        segments.restore();
        RowReplay.replay(ingest, dmlTopic(), channel, segments, decoder());
        segments.recount();
        l0 = new L0Buffer(context.getStateStore(IngestStores.L0));
        Long cutThrough = meta.get(L0_CUT_THROUGH);
        l0.restore(cutThrough == null ? -1 : cutThrough, now);
        fence = ingest.fences().of(channel);
        fence.reset(Math.max(segments.highestPosition(), l0.highestPosition()), l0.firstPosition());
        try (KeyValueIterator<String, Long> flushes = meta.prefixScan(FLUSH_PREFIX, new StringSerializer())) {
            flushes.forEachRemaining(kv -> pendingFlushes.put(kv.key.substring(FLUSH_PREFIX.length()), kv.value));
        }
        CompactionParts parts = ingest.compaction();
        compactions = new ChannelCompactions(ingest.collection(), channel, parts.settings(), context.getStateStore(IngestStores.SEGMENTS),
                context.getStateStore(IngestStores.COMPACTIONS), segments::allocateId, new ChannelCompactions.Output() {
                    @Override
                    public void segment(SegmentInfo info) {
                        if (info.getState() == SegmentState.DROPPED && info.getLevel() == SegmentLevel.L0) {
                            segments.l0Dropped(info);
                        }
                        context.forward(new Record<Object, Object>(info.getId(), info, context.currentSystemTimeMs()), SEGMENTS_OUT);
                    }

                    @Override
                    public void task(CompactionTask task) {
                        context.forward(new Record<Object, Object>(String.valueOf(channel), task, context.currentSystemTimeMs()), TASKS_OUT);
                    }
                });
        compactions.restore(now);
        gc = new GarbageCollector(ingest.collection(), channel, parts.settings(), parts.storage(), parts.pins(), parts.gcIo(),
                ingest.metrics(), now);
        lastSealCheckMs = now;
        ingest.metrics().sealedWaiting(channel, waitingGauge::get);
        ticker = context.schedule(Duration.ofMillis(settings.tickMs()), PunctuationType.WALL_CLOCK_TIME, this::tick);
        log.info("{}: channel {} started: {} growing and {} sealed segments, {} deletes buffered, {} flushes pending",
                ingest.collection(), channel, segments.growing().size(), segments.waitingCount(), l0.pendingEntries(), pendingFlushes.size());
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        RecordMetadata metadata = context.recordMetadata().orElseThrow();
        if (!metadata.topic().equals(dmlTopic())) {
            applyResult(results.deserialize(metadata.topic(), record.value()));
            return;
        }
        long position = metadata.offset();
        lastPosition = position;
        String flushId = FlushBarrier.flushId(record.headers()).orElse(null);
        if (flushId != null) {
            barrier(flushId, position);
            return;
        }
        Optional<ManualCompaction> request = CompactionRequests.request(record.headers());
        if (request.isPresent()) {
            if (request.get().covers(channel)) {
                compactions.request(request.get(), ingest.spec().get(), segments.minUnflushedRowPosition(), context.currentSystemTimeMs());
            }
            return;
        }
        DmlEvent event;
        try {
            event = decoder().decodeInChannel(new RecordSource(metadata.topic(), metadata.partition(), position), record.key(), record.value());
        } catch (BadInputException e) {
            deadLetter(record, e);
            return;
        }
        long now = context.currentSystemTimeMs();
        if (event.op() != DmlOp.INSERT) {
            l0.add(record.key(), position, now);
        }
        if (event.op() != DmlOp.DELETE) {
            segments.append(event.partition(), new StoredRow(position, record.timestamp(), record.key(), record.value()),
                    event.pk(), decoderSpec.getSchemaVersion(), now);
        }
        backpressure();
    }

    private String dmlTopic() {
        return CollectionTopics.dml(ingest.collection());
    }

    private DmlDecoder decoder() {
        CollectionSpec current = ingest.spec().get();
        if (current != decoderSpec) {
            decoder = new DmlDecoder(current, ingest.registry());
            decoderSpec = current;
        }
        return decoder;
    }

    private void deadLetter(Record<byte[], byte[]> record, BadInputException error) {
        context.forward(new Record<Object, Object>(record.key(), record.value(), record.timestamp(),
                DeadLetters.headers(record.headers(), error)), DLQ_OUT);
        ingest.metrics().deadLettered(error.reason());
        log.debug("{}: dead-lettered: {}", ingest.collection(), error.getMessage());
    }

    /** Everything before the barrier is in segments or the L0 buffer: seal and flush all of it. */
    private void barrier(String flushId, long position) {
        long now = context.currentSystemTimeMs();
        for (SegmentInfo growing : segments.growingSegments()) {
            segments.seal(growing.getId(), SealPolicies.FLUSH);
        }
        if (l0.pendingEntries() > 0) {
            cutL0(SealPolicies.FLUSH, now);
        }
        meta.put(FLUSH_PREFIX + flushId, position);
        pendingFlushes.put(flushId, position);
        submitUploads();
    }

    private void tick(long now) {
        reflect();
        drainCompleted();
        if (now - lastSealCheckMs >= settings.sealCheckMs()) {
            lastSealCheckMs = now;
            List<L0Batch> deletes = new ArrayList<>(segments.l0Batches());
            l0.pending().ifPresent(deletes::add);
            for (SealDecision decision : SealPolicies.decide(settings.seal(), new ChannelView(channel, segments.growing(), deletes, now))) {
                segments.seal(decision.segmentId(), decision.reason());
            }
            settings.l0Flush().decide(l0.pendingEntries(), l0.pendingBytes(), l0.oldestPendingMs(), now)
                    .ifPresent(reason -> cutL0(reason, now));
            sealForReclaim(now);
            compactions.trigger(ingest.spec().get(), segments.minUnflushedRowPosition(), now);
        }
        gc.tick(compactions.settled(), this::beingWritten, now, this::tombstone);
        submitUploads();
        segments.checkpoint();
        reflect();
        completeFlushes();
        waitingGauge.set(segments.waitingCount());
    }

    /**
     * Growing segments holding rows that an L0 segment past half its reclaim deadline may delete
     * keep it from compacting until they flush: seal them now.
     */
    private void sealForReclaim(long now) {
        long blocking = compactions.urgentL0Blocked(ingest.spec().get(), segments.minUnflushedRowPosition(), now);
        if (blocking < 0) {
            return;
        }
        for (SegmentInfo growing : segments.growingSegments()) {
            if (growing.getMinPosition() < blocking) {
                segments.seal(growing.getId(), RECLAIM_SEAL);
            }
        }
    }

    /** A report of the compaction stream: applied under the readers' move lock, as rows move between segments. */
    private void applyResult(CompactionResult result) {
        if (result == null) {
            return;
        }
        fence.beginMove();
        try {
            compactions.apply(result, context.currentSystemTimeMs());
        } finally {
            fence.endMove();
        }
        if (result.getStatus() == CompactionStatus.COMPLETED) {
            long written = result.getOutputs().stream().mapToLong(SegmentInfo::getBytes).sum()
                    + result.getDeltaAppends().stream().mapToLong(DeltaAppend::getBytes).sum();
            ingest.metrics().compacted(result.getType(), result.getBytesRead(), written, result.getRowsDropped());
        }
    }

    /** Segments whose objects may be being written: not flushed yet, or outputs and L0 targets of an open compaction. */
    private Set<Long> beingWritten() {
        Set<Long> writing = new HashSet<>(segments.activeIds());
        writing.addAll(compactions.writing());
        return writing;
    }

    /** A Dropped segment whose files are gone leaves the catalog: a tombstone on the compacted topic. */
    private void tombstone(long segmentId) {
        compactions.forget(segmentId);
        context.forward(new Record<Object, Object>(segmentId, null, context.currentSystemTimeMs()), SEGMENTS_OUT);
    }

    private void cutL0(String reason, long now) {
        long oldestDeleteMs = l0.oldestPendingMs();
        L0Batch batch = l0.cut();
        meta.put(L0_CUT_THROUGH, l0.cutThrough());
        segments.openL0(batch, reason, ingest.spec().get().getSchemaVersion(), oldestDeleteMs, now);
    }

    /**
     * Starts the upload of the oldest waiting segment unless one of this channel is running: a job
     * holds its segment's rows in memory, so one at a time per channel bounds the heap, and the
     * channel's segments flush in the order they sealed.
     */
    private void submitUploads() {
        if (!uploads.isEmpty()) {
            return;
        }
        segments.waiting().stream().findFirst().ifPresent(segment ->
                uploads.put(segment.getId(), ingest.uploader().submit(job(segment), completed::add)));
    }

    private FlushJob job(SegmentInfo segment) {
        CollectionSpec spec = ingest.spec().get();
        if (segment.getLevel() == SegmentLevel.L0) {
            return new FlushJob(spec, channel, segment.getId(), SegmentLevel.L0, List.of(),
                    l0.entries(segment.getMinPosition(), segment.getMaxPosition(), spec.getPkType()), pk -> -1);
        }
        return new FlushJob(spec, channel, segment.getId(), segment.getLevel(), segments.rowsOf(segment.getId()), List.of(),
                l0::newestDelete);
    }

    private void drainCompleted() {
        for (FlushResult result = completed.poll(); result != null; result = completed.poll()) {
            complete(result);
        }
    }

    /** Records a finished upload: the segment's rows or deletes leave the stores, under the readers' move lock. */
    private void complete(FlushResult result) {
        uploads.remove(result.segmentId());
        reflect();
        fence.beginMove();
        try {
            SegmentInfo flushed = segments.complete(result, context.currentSystemTimeMs());
            if (flushed != null) {
                publish(flushed);
            }
        } finally {
            fence.endMove();
        }
        submitUploads();
    }

    /** Writes buffered rows, after which the stores reflect every record processed so far. */
    private void reflect() {
        segments.writePendingRows();
        if (lastPosition >= 0) {
            fence.reflected(lastPosition);
        }
    }

    private void publish(SegmentInfo flushed) {
        if (flushed.getLevel() == SegmentLevel.L0) {
            l0.remove(flushed.getMinPosition(), flushed.getMaxPosition());
            fence.deletesFrom(l0.firstPosition());
        }
        compactions.flushed(flushed);
        context.forward(new Record<Object, Object>(flushed.getId(), flushed, context.currentSystemTimeMs()), SEGMENTS_OUT);
        ingest.metrics().flushed(flushed.getLevel(), flushed.getRows(), flushed.getBytes());
        waitingGauge.set(segments.waitingCount());
    }

    private void completeFlushes() {
        long unflushed = Math.min(segments.minUnflushedPosition(), l0.pending().map(L0Batch::minPosition).orElse(Long.MAX_VALUE));
        pendingFlushes.entrySet().removeIf(flush -> {
            if (unflushed < flush.getValue()) {
                return false;
            }
            meta.delete(FLUSH_PREFIX + flush.getKey());
            ingest.flushes().done(flush.getKey(), channel);
            return true;
        });
    }

    /**
     * Too many segments waiting for their upload: stop taking records (Kafka keeps them) while
     * recording uploads as they finish, up to the configured limit, then go on: nothing is dropped.
     * The limit stays below the exactly-once transaction timeout, so Streams commits between
     * blocked records and the producer is not fenced.
     */
    private void backpressure() {
        if (segments.waitingCount() < settings.maxSealedWaiting()) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(settings.maxBlockMs());
        // After a restart nothing may be uploading yet: waiting without starting would wait in vain.
        submitUploads();
        try {
            while (segments.waitingCount() >= settings.maxSealedWaiting() && System.nanoTime() < deadline) {
                FlushResult result = completed.poll(settings.tickMs(), TimeUnit.MILLISECONDS);
                if (result != null) {
                    complete(result);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ingest.metrics().backpressure(System.nanoTime() - start);
        if (segments.waitingCount() >= settings.maxSealedWaiting()) {
            log.warn("{}: channel {} has {} segments waiting for upload after blocking {} ms; taking records again",
                    ingest.collection(), channel, segments.waitingCount(), settings.maxBlockMs());
        }
    }

    @Override
    public void close() {
        if (ticker != null) {
            ticker.cancel();
        }
        uploads.values().forEach(upload -> upload.cancel(true));
        ingest.metrics().removeChannel(channel);
    }
}
