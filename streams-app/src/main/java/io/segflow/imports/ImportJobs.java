package io.segflow.imports;

import io.segflow.schema.ImportFile;
import io.segflow.schema.ImportJob;
import io.segflow.schema.ImportState;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The job state machine, as pure functions returning the next version of a job:
 * PENDING → IMPORTING → COMPLETED, and PENDING or IMPORTING → FAILED. Each refuses a move the
 * machine does not have, so a stale runner cannot turn a finished job back.
 */
public final class ImportJobs {
    private static final Map<ImportState, Set<ImportState>> MOVES = Map.of(
            ImportState.PENDING, EnumSet.of(ImportState.IMPORTING, ImportState.FAILED),
            ImportState.IMPORTING, EnumSet.of(ImportState.IMPORTING, ImportState.COMPLETED, ImportState.FAILED),
            ImportState.COMPLETED, EnumSet.noneOf(ImportState.class),
            ImportState.FAILED, EnumSet.noneOf(ImportState.class));

    private ImportJobs() {
    }

    public static ImportJob pending(String collection, String importId, ImportRequest request, long nowMs) {
        List<ImportFile> files = request.files().stream()
                .map(path -> ImportFile.newBuilder().setPath(path).setState(ImportState.PENDING).build()).toList();
        return ImportJob.newBuilder().setImportId(importId).setCollection(collection).setIdempotencyKey(request.idempotencyKey())
                .setFormat(request.importFormat().label()).setPartition(request.partitionOrDefault()).setState(ImportState.PENDING)
                .setFiles(files).setCreatedMs(nowMs).setUpdatedMs(nowMs).build();
    }

    /** The job takes its positions: its rows' place in each channel. */
    public static ImportJob started(ImportJob job, Map<Integer, Long> positions, long totalRows, long nowMs) {
        ImportJob next = move(job, ImportState.IMPORTING, nowMs);
        Map<String, Long> byChannel = new TreeMap<>();
        positions.forEach((channel, offset) -> byChannel.put(String.valueOf(channel), offset));
        next.setPositions(byChannel);
        next.setTotalRows(totalRows);
        return next;
    }

    /** File {@code index} has had {@code rows} read and written so far, {@code done} once all of it. */
    public static ImportJob progress(ImportJob job, int index, long rows, boolean done, long nowMs) {
        ImportJob next = move(job, ImportState.IMPORTING, nowMs);
        List<ImportFile> files = new ArrayList<>(next.getFiles());
        files.set(index, ImportFile.newBuilder(files.get(index)).setRows(rows)
                .setState(done ? ImportState.COMPLETED : ImportState.IMPORTING).build());
        next.setFiles(files);
        next.setTotalRows(Math.max(next.getTotalRows(), importedRows(next)));
        return next;
    }

    public static ImportJob completed(ImportJob job, long nowMs) {
        ImportJob next = move(job, ImportState.COMPLETED, nowMs);
        next.setTotalRows(importedRows(next));
        return next;
    }

    /** The job fails, the file at {@code index} (or none, -1) with it. */
    public static ImportJob failed(ImportJob job, int index, String reason, long nowMs) {
        ImportJob next = move(job, ImportState.FAILED, nowMs);
        next.setReason(reason);
        if (index >= 0) {
            List<ImportFile> files = new ArrayList<>(next.getFiles());
            files.set(index, ImportFile.newBuilder(files.get(index)).setState(ImportState.FAILED).setError(reason).build());
            next.setFiles(files);
        }
        return next;
    }

    /**
     * Whether {@code next}, read after {@code known}, is the job's newer version: a finished job
     * stays finished, and a job never goes back to PENDING (a second submission racing the first).
     */
    public static boolean supersedes(ImportJob next, ImportJob known) {
        return !finished(known) && rank(next.getState()) >= rank(known.getState());
    }

    private static int rank(ImportState state) {
        return switch (state) {
            case PENDING -> 0;
            case IMPORTING -> 1;
            case COMPLETED, FAILED -> 2;
        };
    }

    public static boolean finished(ImportJob job) {
        return job.getState() == ImportState.COMPLETED || job.getState() == ImportState.FAILED;
    }

    /** A finished job kept for {@code retentionMs} after its end, then forgotten. */
    public static boolean expired(ImportJob job, long nowMs, long retentionMs) {
        return finished(job) && nowMs - job.getUpdatedMs() >= retentionMs;
    }

    public static long importedRows(ImportJob job) {
        return job.getFiles().stream().mapToLong(ImportFile::getRows).sum();
    }

    /** The rows' position in each channel the job has taken, empty before it started. */
    public static Map<Integer, Long> positions(ImportJob job) {
        Map<Integer, Long> positions = new TreeMap<>();
        job.getPositions().forEach((channel, offset) -> positions.put(Integer.parseInt(channel), offset));
        return positions;
    }

    private static ImportJob move(ImportJob job, ImportState to, long nowMs) {
        if (!MOVES.get(job.getState()).contains(to)) {
            throw new IllegalStateException("import " + job.getImportId() + " is " + job.getState() + " and cannot become " + to);
        }
        ImportJob next = ImportJob.newBuilder(job).build();
        next.setState(to);
        next.setUpdatedMs(nowMs);
        return next;
    }
}
