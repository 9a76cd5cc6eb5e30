package io.segflow.gc;

import io.segflow.compaction.CompactionSettings;
import io.segflow.failpoint.Failpoints;
import io.segflow.metrics.IngestMetrics;
import io.segflow.storage.FilePins;
import io.segflow.schema.SegmentInfo;
import io.segflow.storage.ObjectPaths;
import io.segflow.storage.ObjectStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.LongConsumer;
import java.util.function.Supplier;

/**
 * Garbage collection of one channel's objects. Decisions are made on the stream thread from the
 * catalog by {@link CollectionDecisions}; deletes run on the I/O executor, and a segment leaves
 * the catalog only once every one of its files is gone. A failed delete is counted, logged and
 * tried again at the next round.
 */
public final class GarbageCollector {
    private static final Logger log = LoggerFactory.getLogger(GarbageCollector.class);

    private final String collection;
    private final int channel;
    private final CompactionSettings settings;
    private final ObjectStorage storage;
    private final FilePins pins;
    private final ExecutorService io;
    private final IngestMetrics metrics;
    private final Set<Long> deleting = ConcurrentHashMap.newKeySet();
    private final BlockingQueue<Long> gone = new LinkedBlockingQueue<>();
    private volatile boolean listing;
    private long lastRun;
    private long lastOrphanRun;

    public GarbageCollector(String collection, int channel, CompactionSettings settings, ObjectStorage storage, FilePins pins,
                            ExecutorService io, IngestMetrics metrics, long nowMs) {
        this.collection = collection;
        this.channel = channel;
        this.settings = settings;
        this.storage = storage;
        this.pins = pins;
        this.io = io;
        this.metrics = metrics;
        this.lastRun = nowMs;
        this.lastOrphanRun = nowMs;
    }

    /**
     * One round, on the stream thread. {@code settled}: the channel's Flushed and Dropped segments;
     * {@code inProgress}: ids whose objects are being written (unflushed segments, compaction
     * outputs, targets of a running L0 delete, whose files it reads); both asked only when a round
     * runs. {@code collected} receives each Dropped segment whose files are all gone.
     */
    public void tick(Supplier<Collection<SegmentInfo>> settled, Supplier<Set<Long>> inProgress, long nowMs, LongConsumer collected) {
        for (Long id = gone.poll(); id != null; id = gone.poll()) {
            deleting.remove(id);
            collected.accept(id);
        }
        if (nowMs - lastRun >= settings.gcIntervalMs()) {
            lastRun = nowMs;
            collectDropped(settled.get(), inProgress.get(), nowMs);
        }
        if (nowMs - lastOrphanRun >= settings.orphanIntervalMs() && !listing) {
            lastOrphanRun = nowMs;
            collectOrphans(settled.get(), inProgress.get(), nowMs);
        }
    }

    private void collectDropped(Collection<SegmentInfo> settled, Set<Long> inProgress, long nowMs) {
        for (CollectionDecisions.Removal removal : CollectionDecisions.dropped(settled, inProgress, deleting, pins::isPinned,
                settings.gcGraceMs(), nowMs)) {
            deleting.add(removal.segmentId());
            io.execute(() -> {
                if (removeAll(removal.files())) {
                    metrics.collected("dropped", removal.files().size());
                    gone.add(removal.segmentId());
                } else {
                    deleting.remove(removal.segmentId());
                }
            });
        }
    }

    private void collectOrphans(Collection<SegmentInfo> settled, Set<Long> inProgress, long nowMs) {
        Set<String> referenced = new HashSet<>();
        settled.forEach(s -> referenced.addAll(ObjectPaths.files(s)));
        Set<String> writing = new HashSet<>();
        inProgress.forEach(id -> writing.add(ObjectPaths.segment(collection, channel, id)));
        long cutoff = nowMs - settings.orphanGraceMs();
        String prefix = collection + "/" + channel + "/";
        listing = true;
        io.execute(() -> {
            try {
                List<String> orphans = CollectionDecisions.orphans(storage.list(prefix), referenced, writing, pins::isPinned, cutoff);
                if (!orphans.isEmpty() && removeAll(orphans)) {
                    metrics.collected("orphan", orphans.size());
                    log.info("{}: channel {}: deleted {} orphan objects", collection, channel, orphans.size());
                }
            } catch (Exception e) {
                metrics.collectFailed();
                log.warn("{}: channel {}: cannot list s3://{}/{} for orphans: {}; trying again next round", collection, channel,
                        storage.bucket(), prefix, e.toString());
            } finally {
                listing = false;
            }
        });
    }

    private boolean removeAll(List<String> files) {
        for (String file : files) {
            try {
                storage.remove(file);
                Failpoints.reach(Failpoints.GC_DELETED);
            } catch (Exception e) {
                metrics.collectFailed();
                log.warn("{}: channel {}: cannot delete s3://{}/{}: {}; trying again next round", collection, channel, storage.bucket(),
                        file, e.toString());
                return false;
            }
        }
        return true;
    }
}
