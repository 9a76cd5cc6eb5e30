package io.segflow.compaction;

import com.google.common.base.Ticker;
import com.google.common.util.concurrent.RateLimiter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.segflow.metrics.SegflowMeter;

import java.util.concurrent.TimeUnit;

/**
 * The compaction I/O of one instance: every object its workers read or write, of every
 * collection, is charged to one token bucket of {@code compaction.io.bytes.per.second} (Guava's
 * {@link RateLimiter}; 0 is unlimited), so compaction leaves the rest of the storage's bandwidth
 * to flushes and reads. A read is charged once its size is known, so the next request pays for
 * it; a write before it is sent. It also keeps the time at least one task was running, over
 * which the rate compaction moved its bytes is read.
 */
public final class CompactionIo {
    /** Most bytes charged at once: a large object is paid in steps, so waits stay short and even. */
    private static final int MAX_STEP = 1 << 20;

    /** Bytes moved, and the time at least one task was running. */
    public record Totals(long bytes, double busySeconds) {
        public Totals since(Totals start) {
            return new Totals(bytes - start.bytes, busySeconds - start.busySeconds);
        }

        public double bytesPerSecond() {
            return busySeconds == 0 ? 0 : bytes / busySeconds;
        }
    }

    private final RateLimiter limiter;
    private final Ticker ticker;
    private final int step;
    private final Counter moved;
    private final Timer throttled;
    private int running;
    private long busySince;
    private long busyNanos;
    private long bytes;

    /** @param ticker what the busy time is read from */
    public CompactionIo(long bytesPerSecond, MeterRegistry meters, Ticker ticker) {
        this.ticker = ticker;
        this.limiter = bytesPerSecond > 0 ? RateLimiter.create(bytesPerSecond) : null;
        this.step = (int) Math.max(1, Math.min(MAX_STEP, bytesPerSecond / 10));
        this.moved = Counter.builder(SegflowMeter.COMPACTION_IO_BYTES.meterName()).baseUnit("bytes")
                .description(SegflowMeter.COMPACTION_IO_BYTES.description()).register(meters);
        this.throttled = Timer.builder(SegflowMeter.COMPACTION_IO_THROTTLED.meterName())
                .description(SegflowMeter.COMPACTION_IO_THROTTLED.description()).register(meters);
    }

    /** Charges {@code count} bytes read or written, waiting while the budget is spent. */
    public void charge(long count) {
        if (limiter != null) {
            double waited = 0;
            for (long left = count; left > 0; left -= step) {
                waited += limiter.acquire((int) Math.min(step, left));
            }
            throttled.record((long) (waited * 1e9), TimeUnit.NANOSECONDS);
        }
        moved.increment(count);
        synchronized (this) {
            bytes += count;
        }
    }

    public synchronized void taskStarted() {
        if (running++ == 0) {
            busySince = ticker.read();
        }
    }

    public synchronized void taskEnded() {
        if (--running == 0) {
            busyNanos += ticker.read() - busySince;
        }
    }

    public synchronized Totals totals() {
        long busy = busyNanos + (running > 0 ? ticker.read() - busySince : 0);
        return new Totals(bytes, busy / 1e9);
    }
}
