package io.segflow.compaction;

import com.google.common.base.Ticker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** What the instance's compaction I/O counts: bytes, and the time at least one task ran. The rate limit itself is measured by bench compaction. */
class CompactionIoTest {
    private final AtomicLong nanos = new AtomicLong();
    private final Ticker ticker = new Ticker() {
        @Override
        public long read() {
            return nanos.get();
        }
    };
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private void advanceSeconds(long seconds) {
        nanos.addAndGet(seconds * 1_000_000_000L);
    }

    @Test
    void busyTimeIsTheUnionOfTheTasksRunningTimesAndBytesAreEveryCharge() {
        CompactionIo io = new CompactionIo(0, meters, ticker);
        io.taskStarted();
        advanceSeconds(2);
        io.taskStarted();
        io.charge(3_000);
        advanceSeconds(1);
        io.taskEnded();
        advanceSeconds(1);
        io.taskEnded();
        advanceSeconds(10);
        CompactionIo.Totals afterFirst = io.totals();
        io.taskStarted();
        io.charge(1_000);
        advanceSeconds(4);

        assertThat(afterFirst).isEqualTo(new CompactionIo.Totals(3_000, 4.0));
        assertThat(io.totals()).as("a task still running counts up to now").isEqualTo(new CompactionIo.Totals(4_000, 8.0));
        assertThat(io.totals().since(afterFirst).bytesPerSecond()).isEqualTo(250.0);
        assertThat(meters.get("segflow.compaction.io").counter().count()).isEqualTo(4_000);
    }

    @Test
    void aLimitedBudgetRecordsItsWaitsAndAnUnlimitedOneNone() {
        CompactionIo unlimited = new CompactionIo(0, meters, ticker);
        unlimited.charge(10_000_000);
        assertThat(meters.get("segflow.compaction.io.throttled").timer().count()).isZero();

        SimpleMeterRegistry limitedMeters = new SimpleMeterRegistry();
        CompactionIo limited = new CompactionIo(1_000_000_000, limitedMeters, ticker);
        limited.charge(1_000);
        assertThat(limitedMeters.get("segflow.compaction.io.throttled").timer().count()).isEqualTo(1);
        assertThat(limitedMeters.get("segflow.compaction.io").counter().count()).isEqualTo(1_000);
    }
}
