package io.segflow.failpoint;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Crash points for tests that must kill an instance at an exact step, as {@code kill -9} would,
 * rather than at whatever moment a timer hits. A JVM started with
 * {@code -Dsegflow.failpoints=upload.partial:3} halts, with no shutdown hooks and status
 * {@link #HALT_STATUS}, the third time an upload has written part of a segment's files. With
 * the property unset every point is a no-op.
 */
public final class Failpoints {
    public static final String PROPERTY = "segflow.failpoints";
    public static final int HALT_STATUS = 86;
    /** An L1 segment's first file is in object storage, the others are not. */
    public static final String UPLOAD_PARTIAL = "upload.partial";
    /** An L0 segment's delta log is in object storage; the stream thread has not recorded the flush. */
    public static final String L0_UPLOADED = "l0.uploaded";
    /** A compaction worker has written one more object of its outputs (or delta logs); the task is still executing. */
    public static final String COMPACTION_WRITTEN = "compaction.written";
    /** A compaction result is applied to the channel's stores (meta_saved); the Streams transaction holding it has not committed. */
    public static final String COMPACTION_META_SAVED = "compaction.meta.saved";
    /** Garbage collection has deleted one more object of a round, the others not yet; Dropped segments are not yet tombstoned. */
    public static final String GC_DELETED = "gc.deleted";

    /** An import has written one more segment and sent its entry to the channel; the job goes on. */
    public static final String IMPORT_SEGMENT = "import.segment";
    /** An import has sent its commit to one more channel; the others (and the job's record) are not yet done. */
    public static final String IMPORT_COMMITTING = "import.committing";

    /** A channel task is about to take a DML record. Armed points here hang the stream thread rather than halt: see {@link #hang}. */
    public static final String DML_TAKEN = "dml.taken";

    /**
     * A channel task takes a DML record slowly: armed as {@code dml.slow:N}, every record waits N
     * microseconds first, so that a test's producer outruns ingest by a wide margin instead of by
     * whatever the machine's speeds happen to be.
     */
    public static final String DML_SLOW = "dml.slow";

    private static final Map<String, AtomicInteger> ARMED = parse(System.getProperty(PROPERTY, ""));

    private Failpoints() {
    }

    /** Halts the JVM if {@code point} is armed and this is the time it was armed for. */
    public static void reach(String point) {
        AtomicInteger left = ARMED.get(point);
        if (left != null && left.decrementAndGet() == 0) {
            System.err.println("failpoint " + point + ": halting");
            Runtime.getRuntime().halt(HALT_STATUS);
        }
    }

    /**
     * Blocks the calling thread for good if {@code point} is armed and this is the time it was armed
     * for: a stream thread that hangs (it neither processes nor commits) in a process that stays up.
     */
    public static void hang(String point) {
        AtomicInteger left = ARMED.get(point);
        if (left != null && left.decrementAndGet() == 0) {
            System.err.println("failpoint " + point + ": hanging " + Thread.currentThread().getName());
            while (true) {
                LockSupport.park();
            }
        }
    }

    /** Waits the microseconds {@code point} is armed with, every time; a no-op when it is not armed. */
    public static void slow(String point) {
        AtomicInteger micros = ARMED.get(point);
        if (micros != null) {
            LockSupport.parkNanos(micros.get() * 1_000L);
        }
    }

    static Map<String, AtomicInteger> parse(String spec) {
        return Stream.of(spec.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(s -> s.split(":", 2))
                .collect(Collectors.toMap(p -> p[0], p -> new AtomicInteger(p.length == 2 ? Integer.parseInt(p[1].strip()) : 1)));
    }
}
