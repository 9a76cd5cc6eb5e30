package io.segflow.bench;

import io.segflow.embedded.EmbeddedS3;
import io.segflow.embedded.Folders;
import io.segflow.storage.S3ObjectStorage;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.ToDoubleFunction;

/**
 * {@code segflow bench storage}: the storage path alone. Objects of one size are put into the embedded S3 server,
 * then copied round after round (get, then put under another name, one at a time, on one thread) through
 * {@link S3ObjectStorage}, as the compaction benchmark's raw copy does; the first rounds warm the JIT up. Each
 * measured round gives its rate, the mean get and put, and the CPU per copied object of the process and of the
 * server's and the client's threads.
 */
public final class StorageBenchmark {
    private static final String ACCESS_KEY = "bench";
    private static final String SECRET_KEY = "bench-secret";
    private static final String BUCKET = "bench";

    /** One round: its rate, the mean get and put, and CPU per copied object. */
    public record Round(double megabytesPerSecond, double getMs, double putMs, double processCpuMs, double serverCpuMs,
                        double clientCpuMs) {
    }

    public record Result(int objects, int size, int warmupRounds, List<Round> rounds) {
        public void print(PrintStream out) {
            out.printf("storage: %d objects of %,d bytes copied (get, then put) one at a time through the MinIO client and the"
                    + " embedded S3 server, %d rounds after %d to warm up%n", objects, size, rounds.size(), warmupRounds);
            line(out, "rate", "MB/s", Round::megabytesPerSecond);
            line(out, "get", "ms", Round::getMs);
            line(out, "put", "ms", Round::putMs);
            line(out, "CPU per copy, process", "ms", Round::processCpuMs);
            line(out, "CPU per copy, S3 server threads", "ms", Round::serverCpuMs);
            line(out, "CPU per copy, client (caller and OkHttp)", "ms", Round::clientCpuMs);
        }

        private void line(PrintStream out, String what, String unit, ToDoubleFunction<Round> figure) {
            Spread spread = Spread.of(rounds.stream().mapToDouble(figure).toArray());
            out.printf("  %-42s median %.2f %s (%.2f-%.2f)%n", what, spread.median(), unit, spread.min(), spread.max());
        }
    }

    private StorageBenchmark() {
    }

    public static Result run(int objects, int size, int warmupRounds, int rounds, PrintStream progress) throws Exception {
        Path dir = Files.createTempDirectory("segflow-bench-storage");
        try (EmbeddedS3 s3 = EmbeddedS3.start(dir, "127.0.0.1", 0, ACCESS_KEY, SECRET_KEY);
             S3ObjectStorage storage = new S3ObjectStorage(s3.endpoint(), ACCESS_KEY, SECRET_KEY, "us-east-1", BUCKET)) {
            storage.ensureBucket();
            byte[] bytes = new byte[size];
            new SplittableRandom(size).nextBytes(bytes);
            for (int i = 0; i < objects; i++) {
                storage.put("source/" + i, bytes);
            }
            List<Round> measured = new ArrayList<>();
            for (int round = 0; round < warmupRounds + rounds; round++) {
                Round result = round(storage, objects, size, round);
                if (round >= warmupRounds) {
                    measured.add(result);
                }
                progress.printf("round %d: %.1f MB/s%n", round, result.megabytesPerSecond());
                for (int i = 0; i < objects; i++) {
                    storage.remove("copy-" + round + "/" + i);
                }
            }
            return new Result(objects, size, warmupRounds, measured);
        } finally {
            Folders.deleteRecursively(dir);
        }
    }

    private static Round round(S3ObjectStorage storage, int objects, int size, int round) throws Exception {
        ThreadCpu threadsBefore = ThreadCpu.now();
        IngestBenchmark.CpuTime processBefore = IngestBenchmark.CpuTime.now();
        long gets = 0;
        long puts = 0;
        long start = System.nanoTime();
        for (int i = 0; i < objects; i++) {
            long beforeGet = System.nanoTime();
            byte[] object = storage.get("source/" + i);
            long afterGet = System.nanoTime();
            storage.put("copy-" + round + "/" + i, object);
            puts += System.nanoTime() - afterGet;
            gets += afterGet - beforeGet;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, Double> threads = ThreadCpu.now().since(threadsBefore);
        double process = IngestBenchmark.CpuTime.now().since(processBefore).processSeconds();
        double client = threads.get(ThreadCpu.CLIENT) + threads.get(ThreadCpu.CALLER);
        return new Round((double) objects * size / seconds / 1e6, gets / 1e6 / objects, puts / 1e6 / objects, process * 1e3 / objects,
                threads.get(ThreadCpu.S3_SERVER) * 1e3 / objects, client * 1e3 / objects);
    }
}
