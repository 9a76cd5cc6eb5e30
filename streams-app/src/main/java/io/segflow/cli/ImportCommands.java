package io.segflow.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.segflow.storage.ObjectStorage;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

/** {@code segflow import} and {@code segflow imports}: bulk import jobs. */
final class ImportCommands {
    private ImportCommands() {
    }

    /** {@code segflow import C --format F FILE...}: uploads local files into the bucket, submits the job and follows it. */
    @Command(name = "import", mixinStandardHelpOptions = true,
            description = "Import files into a collection without sending their rows through Kafka: local files (a folder of .npy"
                    + " files for npy) are uploaded into the bucket first, then the job runs; prints its id and follows it to its end.")
    static final class Import implements Runnable {
        @Mixin
        ApiOption api;

        @Mixin
        S3Options s3;

        @Parameters(index = "0", description = "Collection.")
        String collection;

        @Parameters(index = "1..*", arity = "1..*", description = "Files (for npy: folders), local unless --in-bucket.")
        List<String> files;

        @Option(names = "--format", required = true, description = "json, npy or csv.")
        String format;

        @Option(names = "--partition", description = "Milvus partition the rows go to (default: the default partition).")
        String partition;

        @Option(names = "--idempotency-key", description = "A retried command with the same key gets the same job, never a second import.")
        String idempotencyKey;

        @Option(names = "--in-bucket", description = "The files are already in the bucket: these are their paths there.")
        boolean inBucket;

        @Option(names = "--prefix", description = "Where uploads go in the bucket (default imports/<collection>/<random id>/).")
        String prefix;

        @Option(names = "--wait", negatable = true, defaultValue = "true", fallbackValue = "true",
                description = "Follow the job until it completes or fails (default); --no-wait returns once it is submitted.")
        boolean await;

        @Override
        public void run() {
            List<String> paths = inBucket ? files : upload();
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("files", paths);
            request.put("format", format);
            if (partition != null) {
                request.put("partition", partition);
            }
            if (idempotencyKey != null) {
                request.put("idempotencyKey", idempotencyKey);
            }
            String id = api.client().post("/collections/" + collection + "/imports", request).path("importId").asText();
            System.out.println("import " + id);
            if (await) {
                JsonNode job = follow(id);
                System.out.printf("%s: %,d of %,d rows%s%n", job.path("state").asText(), job.path("importedRows").asLong(),
                        job.path("totalRows").asLong(), job.hasNonNull("reason") ? ": " + job.path("reason").asText() : "");
                if (!job.path("state").asText().equals("COMPLETED")) {
                    throw new IllegalStateException("import " + id + " " + job.path("state").asText());
                }
            }
        }

        /** Uploads every local file (a folder: its .npy files) and returns their paths in the bucket, one per argument. */
        private List<String> upload() {
            String base = prefix != null ? (prefix.endsWith("/") ? prefix : prefix + "/") : "imports/" + collection + "/" + UUID.randomUUID() + "/";
            List<String> paths = new ArrayList<>();
            try (ObjectStorage storage = s3.storage()) {
                for (String file : files) {
                    Path local = Path.of(file);
                    if (Files.isDirectory(local)) {
                        String folder = base + local.getFileName() + "/";
                        try (Stream<Path> listed = Files.list(local)) {
                            for (Path array : listed.filter(p -> p.toString().endsWith(".npy")).sorted().toList()) {
                                put(storage, array, folder + array.getFileName());
                            }
                        }
                        paths.add(folder);
                    } else if (Files.isRegularFile(local)) {
                        put(storage, local, base + local.getFileName());
                        paths.add(base + local.getFileName());
                    } else {
                        throw new IllegalArgumentException("no such file or folder: " + file + " (use --in-bucket for paths in the bucket)");
                    }
                }
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("cannot upload: " + e.getMessage(), e);
            }
            return paths;
        }

        private static void put(ObjectStorage storage, Path file, String object) throws Exception {
            long size = Files.size(file);
            InputStream in = Files.newInputStream(file);
            if (System.console() != null) {
                in = ProgressBar.wrap(in, new ProgressBarBuilder().setTaskName("upload " + file.getFileName()).setInitialMax(size)
                        .setUnit(" MB", 1 << 20));
            }
            try (InputStream stream = in) {
                storage.upload(object, stream, size);
            }
        }

        private JsonNode follow(String id) {
            try (ProgressBar bar = bar("import " + id, 0, " rows", 1)) {
                while (true) {
                    JsonNode job = api.client().get("/collections/" + collection + "/imports/" + id);
                    if (bar != null) {
                        bar.maxHint(job.path("totalRows").asLong());
                        bar.stepTo(job.path("importedRows").asLong());
                    }
                    String state = job.path("state").asText();
                    if (state.equals("COMPLETED") || state.equals("FAILED")) {
                        return job;
                    }
                    Thread.sleep(200);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while following import " + id, e);
            }
        }
    }

    /** {@code segflow imports C [ID]}: a collection's import jobs, or one of them in full. */
    @Command(name = "imports", mixinStandardHelpOptions = true, description = "List a collection's import jobs, or show one.")
    static final class Imports implements Runnable {
        @Mixin
        ApiOption api;

        @Parameters(index = "0", description = "Collection.")
        String collection;

        @Parameters(index = "1", arity = "0..1", description = "Import id: show this job with its files.")
        String id;

        @Override
        public void run() {
            if (id != null) {
                System.out.println(api.client().get("/collections/" + collection + "/imports/" + id).toPrettyString());
                return;
            }
            System.out.printf("%-36s  %-9s  %-6s  %14s  %14s  %s%n", "IMPORT", "STATE", "FORMAT", "IMPORTED", "TOTAL", "REASON");
            for (JsonNode job : api.client().get("/collections/" + collection + "/imports")) {
                System.out.printf("%-36s  %-9s  %-6s  %,14d  %,14d  %s%n", job.path("importId").asText(), job.path("state").asText(),
                        job.path("format").asText(), job.path("importedRows").asLong(), job.path("totalRows").asLong(),
                        job.path("reason").asText(""));
            }
        }
    }

    /** A progress bar on a terminal only; piped output stays clean. */
    private static ProgressBar bar(String task, long max, String unit, long unitSize) {
        return System.console() == null ? null : new ProgressBarBuilder().setTaskName(task).setInitialMax(max).setUnit(unit, unitSize).build();
    }
}
