package io.segflow.bench;

import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The heap this JVM used while it was open: the sum of the heap pools' peaks (each pool keeps its
 * own, so the sum bounds the heap's peak from above), and the most the heap still held right
 * after a collection, told by the collectors' notifications: the figure that says whether what
 * is live stays bounded as the data grows.
 */
final class HeapPeak implements AutoCloseable, NotificationListener {
    /** What was measured. */
    record Figures(long peakBytes, long afterCollectionBytes, long maxBytes) {
        @Override
        public String toString() {
            return String.format("heap: peak %,d MB (sum of the pools' peaks), at most %,d MB live after a collection, maximum %,d MB",
                    peakBytes >> 20, afterCollectionBytes >> 20, maxBytes >> 20);
        }
    }

    private final List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).toList();
    private final Set<String> poolNames = pools.stream().map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    private final AtomicLong afterCollection = new AtomicLong();

    /** Starts measuring: peaks before this are forgotten. */
    HeapPeak() {
        pools.forEach(MemoryPoolMXBean::resetPeakUsage);
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            ((NotificationEmitter) collector).addNotificationListener(this, null, null);
        }
    }

    @Override
    public void handleNotification(Notification notification, Object handback) {
        if (!notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream().filter(e -> poolNames.contains(e.getKey()))
                .mapToLong(e -> e.getValue().getUsed()).sum();
        afterCollection.accumulateAndGet(used, Math::max);
    }

    Figures figures() {
        long peak = pools.stream().map(MemoryPoolMXBean::getPeakUsage).mapToLong(MemoryUsage::getUsed).sum();
        return new Figures(peak, afterCollection.get(), Runtime.getRuntime().maxMemory());
    }

    @Override
    public void close() {
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            try {
                ((NotificationEmitter) collector).removeNotificationListener(this);
            } catch (ListenerNotFoundException e) {
                // Never added: nothing to remove.
            }
        }
    }
}
