package io.segflow.bench;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * CPU time of this process's Java threads between two moments, grouped by what the threads do.
 * The embedded default runs the broker, the S3 server, the benchmark's producer and the pipeline
 * in one JVM, so this says which of them the cores went to. The JIT compiler and GC threads are
 * not Java threads; their share is what the process used beyond its Java threads.
 */
final class ThreadCpu {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    static final String CLIENT = "segment uploads (files, MinIO client)";
    static final String S3_SERVER = "S3 server";
    static final String CALLER = "benchmark (main thread, its producer)";
    /** First match wins; a thread matching none counts towards the broker group. */
    private static final List<Map.Entry<String, Pattern>> GROUPS = List.of(
            Map.entry("compaction workers", Pattern.compile(".*-compaction-\\d+")),
            Map.entry("compaction reads and writes", Pattern.compile(".*-compaction-(read|write)-\\d+")),
            Map.entry("stream thread", Pattern.compile(".*-StreamThread-\\d+")),
            Map.entry("pipeline's Kafka clients", Pattern.compile(".*StreamThread-\\d+-producer|.*-StateUpdater-\\d+|.*heartbeat-thread.*")),
            Map.entry(CLIENT, Pattern.compile(".*-upload-(put-)?\\d+|Thread-\\d+|OkHttp.*|Okio.*")),
            Map.entry(S3_SERVER, Pattern.compile("s3-server-.*")),
            Map.entry("bulk import (read, encode, put)", Pattern.compile("import-.*")),
            Map.entry(CALLER, Pattern.compile("main|kafka-producer-network-thread \\| producer-\\d+")));
    private static final String BROKER = "Kafka broker and the rest";

    private final Map<Long, Long> nanosById;

    private ThreadCpu(Map<Long, Long> nanosById) {
        this.nanosById = nanosById;
    }

    static ThreadCpu now() {
        Map<Long, Long> nanos = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            nanos.put(id, THREADS.getThreadCpuTime(id));
        }
        return new ThreadCpu(nanos);
    }

    /** Core-seconds per group since {@code start}, of threads alive now. */
    Map<String, Double> since(ThreadCpu start) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        GROUPS.forEach(group -> seconds.put(group.getKey(), 0.0));
        seconds.put(BROKER, 0.0);
        for (ThreadInfo thread : THREADS.getThreadInfo(nanosById.keySet().stream().mapToLong(Long::longValue).toArray())) {
            long now = thread == null ? -1 : nanosById.get(thread.getThreadId());
            if (now < 0) {
                continue;
            }
            long used = now - Math.max(0, start.nanosById.getOrDefault(thread.getThreadId(), 0L));
            seconds.merge(group(thread.getThreadName()), used / 1e9, Double::sum);
        }
        return seconds;
    }

    /** Prints core-seconds per group, then what the process used beyond its Java threads alive now. */
    static void print(PrintStream out, Map<String, Double> threads, IngestBenchmark.CpuTime process) {
        double javaThreads = threads.values().stream().mapToDouble(Double::doubleValue).sum();
        threads.forEach((group, used) -> out.printf("    %-40s %5.1f%n", group, used));
        out.printf("    %-40s %5.1f (JIT compiler threads busy %.1f s)%n", "JIT compiler, GC, threads that ended",
                process.processSeconds() - javaThreads, process.jitSeconds());
    }

    private static String group(String threadName) {
        return GROUPS.stream().filter(g -> g.getValue().matcher(threadName).matches()).map(Map.Entry::getKey).findFirst().orElse(BROKER);
    }
}
