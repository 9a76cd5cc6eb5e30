package io.segflow.bench;

import io.segflow.app.SegflowApp;
import io.segflow.fanout.SegmentDescription;
import io.segflow.imports.ImportFormat;
import io.segflow.imports.ImportRequest;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.ImportJob;
import io.segflow.schema.ImportState;
import io.segflow.storage.StoredObject;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code segflow bench import}: the same rows imported from files in the bucket and ingested
 * through Kafka, in one run on one instance. The import is timed from its submission to
 * COMPLETED (the files already in the bucket, as a user's are); the ingest by {@link IngestBenchmark}.
 */
public final class ImportBenchmark {
    /** What was measured. */
    public record Result(long rows, int dim, ImportFormat format, long fileBytes, double uploadSeconds, double importSeconds,
                         RawCopy copy, double cpuSeconds, Map<String, Double> threads, HeapPeak.Figures heap,
                         IngestBenchmark.Result ingest) {
        public void print(PrintStream out) {
            double rate = rows / importSeconds;
            out.printf("import: %,d rows, dim %d, format %s, %,.1f MB of files in the bucket (uploaded in %.1f s, not counted)%n", rows, dim,
                    format.label(), fileBytes / 1e6, uploadSeconds);
            out.printf("  submitted -> COMPLETED: %.2f s, %,.0f rows/s, %.1f MB/s of files%n", importSeconds, rate, fileBytes / importSeconds / 1e6);
            out.printf("  CPU of the whole process: %.1f core-seconds, %.1f us per row%n", cpuSeconds, cpuSeconds / rows * 1e6);
            threads.forEach((group, used) -> out.printf("    %-40s %5.1f%n", group, used));
            out.printf("  %s%n", heap);
            double copyRate = fileBytes / copy.seconds() / 1e6;
            out.printf("  raw copy (stream get + put, one thread, same client and S3 server) of the job's files: %.1f s, %.1f MB/s,"
                    + " %.1f core-seconds; ratio import / raw copy: %.2f%n", copy.seconds(), copyRate, copy.cpuSeconds(),
                    fileBytes / importSeconds / 1e6 / copyRate);
            if (ingest != null) {
                out.printf("  the same rows through Kafka (bench ingest, same run): %,.0f rows/s end to end%n", ingest.rowsPerSecond());
                out.printf("  ratio import / ingest: %.2f (target >= 3)%n", rate / ingest.rowsPerSecond());
            }
        }
    }

    private static final String COPY_PREFIX = "bench-copy/";

    private ImportBenchmark() {
    }

    /** @param compare whether to ingest the same rows through Kafka afterwards ({@link Result#ingest} null if not) */
    public static Result run(SegflowApp app, long rows, int dim, ImportFormat format, long warmupRows, boolean compare, PrintStream progress)
            throws Exception {
        float[][] pool = IngestBenchmark.vectorPool(dim);
        Path local = Files.createTempDirectory("segflow-bench-import");
        try {
            if (warmupRows > 0) {
                progress.printf("warming up with an import of %,d rows%n", warmupRows);
                timedImport(app, dim, format, warmupRows, pool, local.resolve("warmup"), progress);
            }
            Timed timed = timedImport(app, dim, format, rows, pool, local.resolve("timed"), progress);
            progress.printf("copying the job's files for the raw rate%n");
            RawCopy copy = rawCopy(app, timed.prefix());
            IngestBenchmark.Result ingest = null;
            if (compare) {
                progress.printf("now the same rows through Kafka%n");
                ingest = IngestBenchmark.run(app, 1, () -> 0, warmupRows, rows, dim, 4, progress);
            }
            return new Result(rows, dim, format, timed.fileBytes(), timed.uploadSeconds(), timed.importSeconds(), copy,
                    timed.cpuSeconds(), timed.threads(), timed.heap(), ingest);
        } finally {
            try (Stream<Path> files = Files.walk(local)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** The raw copy's time and the whole process's CPU over it. */
    public record RawCopy(double seconds, double cpuSeconds) {
    }

    private record Timed(String prefix, long fileBytes, double uploadSeconds, double importSeconds, double cpuSeconds, Map<String, Double> threads,
                         HeapPeak.Figures heap) {
    }

    /** Writes the files and uploads them, then times the import of them into a new collection (CPU and heap too) and checks its rows. */
    private static Timed timedImport(SegflowApp app, int dim, ImportFormat format, long rows, float[][] pool, Path local,
                                     PrintStream progress) throws Exception {
        String name = "bench_import_" + System.currentTimeMillis();
        CollectionSpec spec = IngestBenchmark.createCollection(app, name, dim, 4);
        Files.createDirectories(local);
        Path file = switch (format) {
            case NPY -> local.resolve("rows_npy");
            case JSON -> local.resolve("rows.json");
            case PARQUET -> local.resolve("rows.parquet");
            case CSV -> throw new IllegalArgumentException("bench import writes npy, parquet or json");
        };
        progress.printf("writing %,d rows as %s%n", rows, format.label());
        switch (format) {
            case NPY -> ImportFiles.npy(file, rows, dim, pk -> pool[(int) (pk % pool.length)]);
            case JSON -> ImportFiles.jsonLines(file, rows, pk -> pool[(int) (pk % pool.length)]);
            case PARQUET -> ImportFiles.parquet(file, rows, dim, pk -> pool[(int) (pk % pool.length)]);
            default -> throw new IllegalStateException();
        }
        long start = System.nanoTime();
        String prefix = "bench-import/" + name + "/";
        long bytes = upload(app, file, prefix);
        double uploadSeconds = (System.nanoTime() - start) / 1e9;
        String path = prefix + file.getFileName();
        progress.printf("uploaded %,.1f MB in %.1f s; importing%n", bytes / 1e6, uploadSeconds);
        ThreadCpu threadsAtStart = ThreadCpu.now();
        IngestBenchmark.CpuTime cpuAtStart = IngestBenchmark.CpuTime.now();
        HeapPeak.Figures heap;
        double seconds;
        try (HeapPeak peak = new HeapPeak()) {
            start = System.nanoTime();
            ImportJob job = app.imports().submit(name, new ImportRequest(List.of(path), format.label(), null, null));
            while (job.getState() != ImportState.COMPLETED) {
                if (job.getState() == ImportState.FAILED) {
                    throw new IllegalStateException("the import failed: " + job.getReason());
                }
                Thread.sleep(50);
                job = app.imports().job(name, job.getImportId()).orElseThrow();
            }
            seconds = (System.nanoTime() - start) / 1e9;
            heap = peak.figures();
        }
        double cpu = IngestBenchmark.CpuTime.now().since(cpuAtStart).processSeconds();
        Map<String, Double> threads = ThreadCpu.now().since(threadsAtStart);
        long imported = app.segments().segments(spec.getName(), false).stream().filter(s -> s.state().equals("FLUSHED"))
                .mapToLong(SegmentDescription::rows).sum();
        if (imported != rows) {
            throw new IllegalStateException("the imported segments hold " + imported + " rows, not " + rows);
        }
        return new Timed(prefix, bytes, uploadSeconds, seconds, cpu, threads, heap);
    }

    /**
     * The time to copy every object under {@code prefix} the way an import moves its bytes, streamed in and out through the
     * instance's client and S3 server: the storage path's limit for the import, measured in the same run.
     */
    private static RawCopy rawCopy(SegflowApp app, String prefix) throws Exception {
        List<StoredObject> objects = app.storage().list(prefix);
        IngestBenchmark.CpuTime cpuAtStart = IngestBenchmark.CpuTime.now();
        long start = System.nanoTime();
        for (StoredObject object : objects) {
            try (InputStream in = app.storage().open(object.path())) {
                app.storage().upload(COPY_PREFIX + object.path(), in, object.size());
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpu = IngestBenchmark.CpuTime.now().since(cpuAtStart).processSeconds();
        for (StoredObject object : objects) {
            app.storage().remove(COPY_PREFIX + object.path());
        }
        return new RawCopy(seconds, cpu);
    }

    private static long upload(SegflowApp app, Path file, String prefix) throws Exception {
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(file)) {
            try (Stream<Path> listed = Files.list(file)) {
                files.addAll(listed.sorted().toList());
            }
        } else {
            files.add(file);
        }
        long bytes = 0;
        for (Path each : files) {
            String object = Files.isDirectory(file) ? prefix + file.getFileName() + "/" + each.getFileName() : prefix + each.getFileName();
            long size = Files.size(each);
            try (InputStream in = Files.newInputStream(each)) {
                app.storage().upload(object, in, size);
            }
            bytes += size;
        }
        return bytes;
    }
}
