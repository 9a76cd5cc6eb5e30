package io.segflow.ingest;

import io.segflow.failpoint.Failpoints;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.SegmentLevel;
import io.segflow.schema.dml.DmlDecoder;
import io.segflow.schema.dml.DmlEvent;
import io.segflow.schema.serde.BadInputException;
import io.segflow.schema.serde.RecordSource;
import io.segflow.seal.ChannelView;
import io.segflow.seal.L0Batch;
import io.segflow.seal.SealDecision;
import io.segflow.seal.SealPolicies;
import io.segflow.seal.SealReason;
import io.segflow.seal.SegmentView;
import io.segflow.delete.L0Buffer;
import io.segflow.segment.SegmentWriter;
import io.segflow.segment.StoredRow;
import io.segflow.storage.FlushJob;
import io.segflow.segment.FlushResult;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The ingest step of a channel task. INSERT and UPSERT rows go to the growing segment of their
 * partition, DELETE and UPSERT deletes to the L0 buffer, bad input to {@code C.dlq}, flush
 * barriers seal everything. At each tick it records finished uploads (Flushing → Flushed, under
 * the readers' move lock), runs the seal and L0 flush policies, and starts the upload of the
 * oldest sealed segment on the uploader's threads.
 */
final class IngestStep {
    private static final Logger log = LoggerFactory.getLogger(IngestStep.class);
    private static final String L0_CUT_THROUGH = "l0.cut-through";
    private static final String FLUSH_PREFIX = "flush/";

    private final IngestContext ingest;
    private final IngestSettings settings;
    private final int channel;
    private final SegmentWriter segments;
    private final L0Buffer l0;
    private final KeyValueStore<String, Long> meta;
    private final ChannelFences.Fence fence;
    private final ChannelOutput out;
    private final LongSupplier clock;
    private final Map<Long, Future<?>> uploads = new HashMap<>();
    private final BlockingQueue<FlushResult> completed = new LinkedBlockingQueue<>();
    private final Map<String, Long> pendingFlushes = new LinkedHashMap<>();
    private final AtomicInteger sealedGauge = new AtomicInteger();
    private CollectionSpec decoderSpec;
    private DmlDecoder decoder;
    private long lastSealCheckMs;
    /** Position of the last record processed, -1 before the first. */
    private long lastPosition = -1;

    IngestStep(IngestContext ingest, int channel, SegmentWriter segments, L0Buffer l0, KeyValueStore<String, Long> meta,
               ChannelOutput out, LongSupplier clock) {
        this.ingest = ingest;
        this.settings = ingest.settings();
        this.channel = channel;
        this.segments = segments;
        this.l0 = l0;
        this.meta = meta;
        this.out = out;
        this.clock = clock;
        this.fence = ingest.fences().of(channel);
        this.lastSealCheckMs = clock.getAsLong();
    }

    /** Rebuilds the row store and the L0 buffer's index after a task start; the catalog is restored already. */
    void restore(String dmlTopic, long nowMs) {
        segments.restore();
        RowReplay.replay(ingest, dmlTopic, channel, segments, decoder());
        segments.recount();
        Long cutThrough = meta.get(L0_CUT_THROUGH);
        l0.restore(cutThrough == null ? -1 : cutThrough, nowMs);
        fence.reset(Math.max(segments.highestPosition(), l0.highestPosition()), l0.firstPosition());
        try (KeyValueIterator<String, Long> flushes = meta.prefixScan(FLUSH_PREFIX, new StringSerializer())) {
            flushes.forEachRemaining(kv -> pendingFlushes.put(kv.key.substring(FLUSH_PREFIX.length()), kv.value));
        }
        ingest.metrics().sealedWaiting(channel, sealedGauge::get);
        log.info("{}: channel {} started: {} growing and {} sealed segments, {} deletes buffered, {} flushes pending",
                ingest.collection(), channel, segments.growing().size(), segments.unflushedSealed(), l0.pendingEntries(),
                pendingFlushes.size());
    }

    /** A DML record at {@code position}: its rows and deletes are buffered, or it goes to the dead-letter topic. */
    void dml(Record<byte[], ?> record, byte[] value, RecordSource source, long nowMs) {
        Failpoints.hang(Failpoints.DML_TAKEN);
        Failpoints.slow(Failpoints.DML_SLOW);
        lastPosition = source.offset();
        DmlEvent event;
        try {
            event = decoder().decodeInChannel(source, record.key(), value);
        } catch (BadInputException e) {
            out.deadLetter(record.key(), value, record.timestamp(), DeadLetters.headers(record.headers(), e));
            ingest.metrics().deadLettered(e.reason());
            log.debug("{}: dead-lettered: {}", ingest.collection(), e.getMessage());
            return;
        }
        if (event.op() != DmlOp.INSERT) {
            l0.add(record.key(), source.offset(), nowMs);
        }
        if (event.op() != DmlOp.DELETE) {
            segments.append(event.partition(), new StoredRow(source.offset(), record.timestamp(), record.key(), value),
                    event.pk(), decoderSpec.getSchemaVersion(), nowMs);
        }
        backpressure();
    }

    /** A record at {@code position} that is not DML (a control record): it moves the position all the same. */
    void passed(long position) {
        lastPosition = position;
    }

    /** Everything before the barrier is in segments or the L0 buffer: seal and flush all of it. */
    void barrier(String flushId, long position, long nowMs) {
        lastPosition = position;
        sealGrowing(Long.MAX_VALUE, SealReason.FLUSH);
        if (l0.pendingEntries() > 0) {
            cutL0(SealReason.FLUSH, nowMs);
        }
        meta.put(FLUSH_PREFIX + flushId, position);
        pendingFlushes.put(flushId, position);
        submitUploads();
    }

    /** Seals every growing segment holding a row older than {@code position}. */
    void sealGrowing(long position, SealReason reason) {
        for (SegmentView growing : segments.growing()) {
            if (growing.minPosition() < position) {
                segments.seal(growing.id(), reason);
            }
        }
    }

    /** The first half of a tick: uploads finished since the last one are recorded. */
    void beforeTick() {
        exposeToReaders();
        drainCompleted();
    }

    /** Runs the seal and L0 flush policies, at most once per seal-check interval; true if they ran. */
    boolean seal(long nowMs) {
        if (nowMs - lastSealCheckMs < settings.sealCheckMs()) {
            return false;
        }
        lastSealCheckMs = nowMs;
        List<L0Batch> deletes = new ArrayList<>(segments.l0Batches());
        l0.pending().ifPresent(deletes::add);
        for (SealDecision decision : SealPolicies.decide(settings.seal(), new ChannelView(channel, segments.growing(), deletes, nowMs))) {
            segments.seal(decision.segmentId(), decision.reason());
        }
        settings.l0Flush().decide(l0.pendingEntries(), l0.pendingBytes(), l0.oldestPendingMs(), nowMs)
                .ifPresent(reason -> cutL0(reason, nowMs));
        return true;
    }

    /** The second half of a tick: uploads start, counters are checkpointed and finished flush requests reported. */
    void afterTick() {
        submitUploads();
        segments.checkpoint();
        exposeToReaders();
        completeFlushes();
        sealedGauge.set(segments.unflushedSealed());
    }

    private DmlDecoder decoder() {
        CollectionSpec current = ingest.spec().get();
        if (current != decoderSpec) {
            decoder = new DmlDecoder(current, ingest.registry());
            decoderSpec = current;
        }
        return decoder;
    }

    private void cutL0(SealReason reason, long nowMs) {
        long oldestDeleteMs = l0.oldestPendingMs();
        L0Batch batch = l0.cut();
        meta.put(L0_CUT_THROUGH, l0.cutThrough());
        segments.openL0(batch, reason, ingest.spec().get().getSchemaVersion(), oldestDeleteMs, nowMs);
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
        segments.awaitingUpload().stream().findFirst().ifPresent(sealed -> {
            SegmentInfo flushing = segments.startFlush(sealed.getId());
            uploads.put(flushing.getId(), ingest.uploader().submit(job(flushing), completed::add));
        });
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
        exposeToReaders();
        fence.beginMove();
        try {
            SegmentInfo flushed = segments.complete(result, clock.getAsLong());
            if (flushed != null) {
                flushed(flushed);
            }
        } finally {
            fence.endMove();
        }
        submitUploads();
    }

    private void flushed(SegmentInfo flushed) {
        if (flushed.getLevel() == SegmentLevel.L0) {
            l0.remove(flushed.getMinPosition(), flushed.getMaxPosition());
            fence.deletesFrom(l0.firstPosition());
        }
        ingest.metrics().flushed(flushed.getLevel(), flushed.getRows(), flushed.getBytes());
        sealedGauge.set(segments.unflushedSealed());
    }

    /** Writes buffered rows, after which the stores reflect every record processed so far. */
    void exposeToReaders() {
        segments.writePendingRows();
        if (lastPosition >= 0) {
            fence.reflected(lastPosition);
        }
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
     * recording uploads as they finish, within the thread's {@link HoldBudget}, then go on: nothing is dropped.
     */
    private void backpressure() {
        if (segments.unflushedSealed() < settings.maxSealedWaiting()) {
            return;
        }
        long start = System.nanoTime();
        long deadline = start + HoldBudget.leftNanos(TimeUnit.MILLISECONDS.toNanos(settings.maxBlockMs()));
        // After a restart nothing may be uploading yet: waiting without starting would wait in vain.
        submitUploads();
        try {
            while (segments.unflushedSealed() >= settings.maxSealedWaiting() && System.nanoTime() < deadline) {
                FlushResult result = completed.poll(settings.tickMs(), TimeUnit.MILLISECONDS);
                if (result != null) {
                    complete(result);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long held = System.nanoTime() - start;
        HoldBudget.spend(held);
        ingest.metrics().backpressure(held);
        if (segments.unflushedSealed() >= settings.maxSealedWaiting()) {
            log.warn("{}: channel {} has {} segments waiting for upload after blocking {} ms; taking records again",
                    ingest.collection(), channel, segments.unflushedSealed(), settings.maxBlockMs());
        }
    }

    /** Deletes not yet cut into an L0 segment. */
    long bufferedDeletes() {
        return l0.pendingEntries();
    }

    /** The task closes: running uploads are abandoned (the next owner of the channel uploads again). */
    void close() {
        uploads.values().forEach(upload -> upload.cancel(true));
        ingest.metrics().removeChannel(channel);
    }
}
