package io.segflow.bench;

import io.micrometer.core.instrument.Gauge;
import io.segflow.app.SegflowApp;
import io.segflow.metrics.SegflowMeter;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The most heap the read path's decoded files held while this was open, sampled every 10 ms from
 * the instance's {@code segflow.read.decoded} gauge: what {@code read.memory.bytes} must bound.
 */
final class DecodedPeak implements AutoCloseable {
    private final AtomicLong peak = new AtomicLong();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "bench-decoded-peak");
        thread.setDaemon(true);
        return thread;
    });

    DecodedPeak(SegflowApp app) {
        Gauge held = app.meters().get(SegflowMeter.READ_DECODED_BYTES.meterName()).gauge();
        sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet((long) held.value(), Math::max), 0, 10, TimeUnit.MILLISECONDS);
    }

    long peakBytes() {
        return peak.get();
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
