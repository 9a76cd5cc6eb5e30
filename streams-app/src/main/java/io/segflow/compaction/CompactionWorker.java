package io.segflow.compaction;

import io.segflow.failpoint.Failpoints;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.CompactionResult;
import io.segflow.schema.CompactionStatus;
import io.segflow.schema.CompactionTask;
import io.segflow.schema.CompactionType;
import io.segflow.schema.DeltaAppend;
import io.segflow.schema.DeltaEntry;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.dml.PrimaryKeys;
import io.segflow.segment.PkRange;
import io.segflow.storage.AvroFiles;
import io.segflow.storage.KeyBloom;
import io.segflow.storage.ObjectPaths;
import io.segflow.storage.ObjectStorage;
import io.segflow.storage.SegmentFiles;
import io.segflow.storage.WriteBehind;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;

/**
 * Runs one compaction task against object storage, off the stream thread. It reads only what the
 * task names (written by the coordinator when it planned) and writes only under the task's
 * pre-allocated output ids, so a retry overwrites its earlier attempt and a crash leaves at worst
 * orphans. It changes no metadata: the coordinator commits what it returns.
 */
public final class CompactionWorker {
    private static final Logger log = LoggerFactory.getLogger(CompactionWorker.class);
    /**
     * Delta logs an L0 task has in flight while it routes the next target's deletes. They are small (tens of KB)
     * and a task writes one per target, a thousand at ten million rows: one at a time, the routing waited on
     * each put.
     */
    private static final int DELTA_LOGS_IN_FLIGHT = 8;
    /** A rewrite's outputs are put one behind the encoding of the next: each holds up to a block of rows. */
    private static final int OUTPUTS_IN_FLIGHT = 1;
    private final ObjectStorage storage;
    private final CompactionIo io;
    private final SegmentRewriter files;
    private final Executor reads;
    private final int readAhead;
    private final Executor writes;
    private final Time time;

    /**
     * @param io        the instance's compaction I/O budget, charged for every object read or written
     * @param reads     where insert logs are fetched ahead of the merge
     * @param readAhead how many insert logs are fetched ahead of the one being decoded
     * @param writes    where each output file is put while the next one is encoded
     * @param time      what TTL expiry is judged against and completion times are read from
     */
    public CompactionWorker(ObjectStorage storage, CompactionIo io, SegmentRewriter files, Executor reads, int readAhead, Executor writes,
                            Time time) {
        this.storage = storage;
        this.io = io;
        this.files = files;
        this.reads = reads;
        this.readAhead = readAhead;
        this.writes = writes;
        this.time = time;
    }

    /** What the task produced; throws if it failed (the stream retries it). */
    public CompactionResult run(CompactionTask task, CollectionSpec spec, int attempt) {
        io.taskStarted();
        try {
            return attempt(task, spec, attempt);
        } finally {
            io.taskEnded();
        }
    }

    private CompactionResult attempt(CompactionTask task, CollectionSpec spec, int attempt) {
        long nowMs = time.milliseconds();
        CompactionResult.Builder result = CompactionResult.newBuilder().setTaskId(task.getTaskId()).setTriggerId(task.getTriggerId())
                .setCollection(task.getCollection()).setChannel(task.getChannel()).setType(task.getType())
                .setStatus(CompactionStatus.COMPLETED).setInputs(task.getInputs()).setAttempt(attempt);
        try {
            if (task.getType() == CompactionType.L0_DELETE) {
                routeDeletes(task, result);
            } else {
                rewrite(task, spec, nowMs, result);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return result.setCompletedAtMs(time.milliseconds()).build();
    }

    /**
     * L0 delete: each target gets one delta log of the deletes that can reach it: newer than its
     * oldest row and than the deletes a rewrite already applied to it, within its key range, and a
     * key its bloom filter may hold (no false negatives, so no delete is lost). The deletes are
     * ordered by key and hashed once for all targets, and the targets' stats logs are fetched
     * ahead of the check.
     */
    private void routeDeletes(CompactionTask task, CompactionResult.Builder result) throws Exception {
        List<DeltaEntry> deletes = new ArrayList<>();
        long read = 0;
        for (String path : task.getDeltaLogs()) {
            byte[] file = read(path);
            read += file.length;
            deletes.addAll(AvroFiles.read(file, DeltaEntry.class));
        }
        KeyOrderedDeletes byKey = new KeyOrderedDeletes(deletes);
        Map<Long, SegmentInfo> segments = byId(task.getInputSegments());
        List<SegmentInfo> targets = task.getTargets().stream().map(segments::get).toList();
        List<DeltaAppend> appends = new ArrayList<>();
        try (ReadAhead<byte[]> stats = new ReadAhead<>(targets.stream().map(SegmentInfo::getStatsLogPath).toList(), this::read, reads, readAhead);
             WriteBehind outputs = new WriteBehind(this::put, writes, DELTA_LOGS_IN_FLIGHT)) {
            for (SegmentInfo target : targets) {
                byte[] statsFile = stats.next();
                read += statsFile.length;
                KeyBloom bloom = SegmentFiles.bloom(statsFile);
                PkRange keys = new PkRange(PrimaryKeys.plain(target.getMinPk()), PrimaryKeys.plain(target.getMaxPk()));
                long after = Math.max(target.getMinPosition(), target.getDeletesAppliedThrough());
                List<DeltaEntry> reaching = byKey.reaching(keys, after, bloom);
                if (!reaching.isEmpty()) {
                    String path = ObjectPaths.deltaLog(task.getCollection(), task.getChannel(), target.getId(), task.getOutputIds().get(0));
                    byte[] file = AvroFiles.write(DeltaEntry.getClassSchema(), reaching);
                    outputs.put(path, file);
                    appends.add(new DeltaAppend(target.getId(), path, (long) reaching.size(), (long) file.length));
                }
            }
            outputs.await();
        }
        result.setDeltaAppends(appends).setBytesRead(read);
    }

    /** Mix, single, sort, schema bump, clustering, force merge: read, drop what is gone, order, write target-size outputs. */
    private void rewrite(CompactionTask task, CollectionSpec spec, long nowMs, CompactionResult.Builder result) throws Exception {
        Map<Long, SegmentInfo> segments = byId(task.getInputSegments());
        RewriteDeletes rewriteDeletes = rewriteDeletes(task, segments);
        NewestDeletes deletes = rewriteDeletes.newest();
        long read = rewriteDeletes.bytesRead();
        long inputRows = task.getInputs().stream().mapToLong(id -> segments.get(id).getRows()).sum();
        long inputBytes = task.getInputs().stream().mapToLong(id -> segments.get(id).getBytes()).sum();
        String partition = segments.get(task.getInputs().get(0)).getPartition();
        List<String> insertLogs = task.getInputs().stream().flatMap(id -> segments.get(id).getInsertLogPaths().stream()).toList();
        try (SegmentRewriter.Rows rows = files.rows(task, spec, inputRows == 0 ? 1 : inputBytes / inputRows);
             ReadAhead<byte[]> objects = new ReadAhead<>(insertLogs, this::read, reads, readAhead);
             WriteBehind written = new WriteBehind(this::put, writes, OUTPUTS_IN_FLIGHT)) {
            while (objects.hasNext()) {
                byte[] file = objects.next();
                read += file.length;
                rows.addLive(file, deletes, nowMs);
            }
            List<SegmentInfo> outputs = files.write(task, spec, partition, rows, nowMs, written::put);
            written.await();
            if (rows.spills() > 0) {
                log.info("{}: compaction {} sorted {} live rows, {} times spilled to local disk", task.getCollection(), task.getTaskId(),
                        rows.size(), rows.spills());
            }
            result.setOutputs(outputs).setBytesRead(read).setRowsDropped(rows.dropped()).setSkippedDeltaLogs(rewriteDeletes.skippedLogs());
        }
    }

    /** The deletes a rewrite applies, the bytes of delta logs read for them, and the logs found gone. */
    private record RewriteDeletes(NewestDeletes newest, long bytesRead, int skippedLogs) {
    }

    private RewriteDeletes rewriteDeletes(CompactionTask task, Map<Long, SegmentInfo> segments) {
        Set<String> ownLogs = new HashSet<>();
        task.getInputs().forEach(id -> ownLogs.addAll(segments.get(id).getDeltaLogPaths()));
        List<DeltaEntry> deletes = new ArrayList<>();
        long read = 0;
        int skipped = 0;
        // A segment that L0 tasks routed deletes to holds a small delta log per task: fetched ahead, as insert logs are.
        try (ReadAhead<Optional<byte[]>> files = new ReadAhead<>(task.getDeltaLogs(),
                path -> ownLogs.contains(path) ? Optional.of(read(path)) : find(path), reads, readAhead)) {
            for (String path : task.getDeltaLogs()) {
                Optional<byte[]> file = files.next();
                if (file.isEmpty()) {
                    // An L0 segment compacted away since the plan: its deletes went into delta logs of the
                    // segments they reach, inputs included, which the commit carries over to the outputs.
                    log.info("{}: compaction {}: delta log {} is gone (its L0 segment was compacted); the commit carries its deletes over",
                            task.getCollection(), task.getTaskId(), path);
                    skipped++;
                    continue;
                }
                read += file.get().length;
                deletes.addAll(AvroFiles.read(file.get(), DeltaEntry.class));
            }
        }
        return new RewriteDeletes(NewestDeletes.of(deletes), read, skipped);
    }

    private byte[] read(String path) {
        checkCancelled();
        byte[] file = storage.get(path);
        io.charge(file.length);
        return file;
    }

    private Optional<byte[]> find(String path) {
        checkCancelled();
        Optional<byte[]> file = storage.find(path);
        file.ifPresent(bytes -> io.charge(bytes.length));
        return file;
    }

    private void put(String path, byte[] bytes) {
        checkCancelled();
        io.charge(bytes.length);
        try {
            storage.put(path, bytes);
            Failpoints.reach(Failpoints.COMPACTION_WRITTEN);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write s3://" + storage.bucket() + "/" + path + ": " + e.getMessage(), e);
        }
    }

    /** A task past its time limit is interrupted: stop at the next object. */
    private static void checkCancelled() {
        if (Thread.currentThread().isInterrupted()) {
            throw new CancellationException("compaction cancelled");
        }
    }

    private static Map<Long, SegmentInfo> byId(List<SegmentInfo> segments) {
        Map<Long, SegmentInfo> byId = new HashMap<>();
        segments.forEach(s -> byId.put(s.getId(), s));
        return byId;
    }

}
