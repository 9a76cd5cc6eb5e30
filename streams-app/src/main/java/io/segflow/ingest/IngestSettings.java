package io.segflow.ingest;

import io.segflow.compaction.CompactionBackpressure;
import io.segflow.delete.L0FlushPolicy;
import io.segflow.seal.SealConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of the ingest pipeline, declared once and merged into the instance's settings.
 * Milvus's defaults (1 GB segments, 24 h lifetime, 10 min idle, L0 flush at 32 MB / 500k / 10 min)
 * are scaled down for a single machine.
 */
public record IngestSettings(SealConfig seal, L0FlushPolicy l0Flush, long tickMs, long sealCheckMs, int maxSealedWaiting,
                             long maxBlockMs, int uploadThreads, long uploadBackoffMs, long uploadMaxBackoffMs,
                             double bloomFpp, long rowsMemtableBytes, int streamThreads, long commitIntervalMs, int sessionTimeoutMs,
                             int maxPollIntervalMs, CompactionBackpressure compactionBackpressure) {
    public static final String SEAL_CAPACITY_BYTES = "seal.capacity.bytes";
    public static final String SEAL_CAPACITY_JITTER = "seal.capacity.jitter";
    public static final String SEAL_LIFETIME_MS = "seal.lifetime.ms";
    public static final String SEAL_IDLE_MS = "seal.idle.ms";
    public static final String SEAL_IDLE_MIN_BYTES = "seal.idle.min.bytes";
    public static final String SEAL_INSERT_LOG_ROWS = "seal.insert.log.rows";
    public static final String SEAL_MAX_INSERT_LOGS = "seal.max.insert.logs";
    public static final String SEAL_BLOCKING_L0_BYTES = "seal.blocking.l0.bytes";
    public static final String SEAL_BLOCKING_L0_ENTRIES = "seal.blocking.l0.entries";
    public static final String SEAL_CHANNEL_GROWING_BYTES = "seal.channel.growing.bytes";
    public static final String SEAL_CHECK_MS = "seal.check.interval.ms";
    public static final String L0_FLUSH_BYTES = "l0.flush.bytes";
    public static final String L0_FLUSH_ENTRIES = "l0.flush.entries";
    public static final String L0_FLUSH_AGE_MS = "l0.flush.age.ms";
    public static final String INGEST_TICK_MS = "ingest.tick.ms";
    public static final String BACKPRESSURE_MAX_SEALED = "backpressure.max.sealed.segments";
    public static final String BACKPRESSURE_MAX_BLOCK_MS = "backpressure.max.block.ms";
    public static final String BACKPRESSURE_BACKLOG_SOFT = "backpressure.compaction.backlog.soft.bytes";
    public static final String BACKPRESSURE_BACKLOG_HARD = "backpressure.compaction.backlog.hard.bytes";
    public static final String BACKPRESSURE_RECLAIM_SOFT = "backpressure.reclaim.lag.soft.ms";
    public static final String BACKPRESSURE_RECLAIM_HARD = "backpressure.reclaim.lag.hard.ms";
    public static final String BACKPRESSURE_SPACE_SOFT = "backpressure.space.amplification.soft";
    public static final String BACKPRESSURE_SPACE_HARD = "backpressure.space.amplification.hard";
    public static final String BACKPRESSURE_SPACE_MIN_GARBAGE = "backpressure.space.min.garbage.bytes";
    public static final String BACKPRESSURE_DELAYED_RATE = "backpressure.delayed.rows.per.second";
    public static final String UPLOAD_THREADS = "upload.threads";
    public static final String UPLOAD_BACKOFF_MS = "upload.retry.backoff.ms";
    public static final String UPLOAD_MAX_BACKOFF_MS = "upload.retry.backoff.max.ms";
    public static final String ROWS_MEMTABLE_BYTES = "rows.memtable.bytes";
    public static final String STATS_BLOOM_FPP = "stats.bloom.fpp";
    public static final String STREAMS_THREADS = "streams.threads";
    public static final String STREAMS_COMMIT_MS = "streams.commit.interval.ms";
    public static final String STREAMS_SESSION_TIMEOUT_MS = "streams.session.timeout.ms";
    public static final String STREAMS_MAX_POLL_INTERVAL_MS = "streams.max.poll.interval.ms";

    private static final long MB = 1024 * 1024;

    /** Adds the ingest settings to {@code definition}. */
    public static ConfigDef define(ConfigDef definition) {
        return definition
                .define(SEAL_CAPACITY_BYTES, Type.LONG, 64 * MB, Range.atLeast(1), Importance.MEDIUM,
                        "Capacity policy: a growing segment seals at this many buffered bytes, less its jitter (Milvus: 1 GB).")
                .define(SEAL_CAPACITY_JITTER, Type.DOUBLE, 0.1, Range.between(0.0, 0.99), Importance.LOW,
                        "Each segment seals somewhere in [1 - jitter, 1] x capacity, fixed by its id, so segments opened together do not seal together.")
                .define(SEAL_LIFETIME_MS, Type.LONG, 10 * 60_000L, Range.atLeast(1), Importance.MEDIUM,
                        "Lifetime policy: a growing segment seals this long after it opened (Milvus: 24 h).")
                .define(SEAL_IDLE_MS, Type.LONG, 60_000L, Range.atLeast(1), Importance.MEDIUM,
                        "Idle policy: a growing segment seals after no write for this long (Milvus: 10 min) ...")
                .define(SEAL_IDLE_MIN_BYTES, Type.LONG, MB, Range.atLeast(0), Importance.LOW,
                        "... if it holds at least this many bytes (Milvus: 16 MB).")
                .define(SEAL_INSERT_LOG_ROWS, Type.LONG, 65_536L, Range.atLeast(1), Importance.LOW,
                        "Rows per insert-log file written at flush.")
                .define(SEAL_MAX_INSERT_LOGS, Type.INT, 16, Range.atLeast(1), Importance.LOW,
                        "Binlog-file policy: a growing segment seals when its flush would write this many insert-log files (Milvus: 32).")
                .define(SEAL_BLOCKING_L0_BYTES, Type.LONG, 16 * MB, Range.atLeast(0), Importance.LOW,
                        "Blocking-L0 policy: the oldest growing segments seal while the deletes newer than their start exceed this size (Milvus: 64 MB) ...")
                .define(SEAL_BLOCKING_L0_ENTRIES, Type.LONG, 200_000L, Range.atLeast(0), Importance.LOW,
                        "... or this many entries (Milvus: 5M).")
                .define(SEAL_CHANNEL_GROWING_BYTES, Type.LONG, 256 * MB, Range.atLeast(1), Importance.LOW,
                        "Channel-total policy: the largest growing segments of a channel seal while their total exceeds this.")
                .define(SEAL_CHECK_MS, Type.LONG, 1000L, Range.atLeast(1), Importance.LOW,
                        "How often the seal and L0 flush policies run.")
                .define(L0_FLUSH_BYTES, Type.LONG, 8 * MB, Range.atLeast(1), Importance.MEDIUM,
                        "The L0 delete buffer flushes as an L0 segment at this size (Milvus: 32 MB) ...")
                .define(L0_FLUSH_ENTRIES, Type.LONG, 100_000L, Range.atLeast(1), Importance.MEDIUM,
                        "... or this many deletes (Milvus: 500k) ...")
                .define(L0_FLUSH_AGE_MS, Type.LONG, 60_000L, Range.atLeast(1), Importance.MEDIUM,
                        "... or when its oldest delete is this old (Milvus: 10 min).")
                .define(INGEST_TICK_MS, Type.LONG, 100L, Range.atLeast(1), Importance.LOW,
                        "How often a channel task records finished uploads, starts new ones and checks flush requests.")
                .define(BACKPRESSURE_MAX_SEALED, Type.INT, 8, Range.atLeast(1), Importance.MEDIUM,
                        "Backpressure: a channel stops taking records while this many of its segments wait for their upload ...")
                .define(BACKPRESSURE_MAX_BLOCK_MS, Type.LONG, 2_000L, Range.between(0, 5_000), Importance.LOW,
                        "... and compaction backpressure hold records back, at most this long per stream thread between two Streams"
                                + " commits (the tasks of a thread share one exactly-once transaction), then records go through until"
                                + " Streams has committed; below the transaction timeout (10 s), so the producer is not fenced. Nothing"
                                + " is dropped either way.")
                .define(BACKPRESSURE_BACKLOG_SOFT, Type.LONG, 1024 * MB, Range.atLeast(0), Importance.MEDIUM,
                        "Compaction backpressure: a channel's ingest slows while the bytes its queued and running compaction tasks"
                                + " must read are at least this (0 = never) ...")
                .define(BACKPRESSURE_BACKLOG_HARD, Type.LONG, 4096 * MB, Range.atLeast(0), Importance.MEDIUM,
                        "... and pauses at this (0 = never); records wait in Kafka, none is dropped.")
                .define(BACKPRESSURE_RECLAIM_SOFT, Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM,
                        "Compaction backpressure: a channel's ingest slows while its reclaim lag is at least this (0 = never) ...")
                .define(BACKPRESSURE_RECLAIM_HARD, Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM,
                        "... and pauses at this (0 = never).")
                .define(BACKPRESSURE_SPACE_SOFT, Type.DOUBLE, 4.0, Range.atLeast(0), Importance.MEDIUM,
                        "Compaction backpressure: a channel's ingest slows while its space amplification (bytes in object storage"
                                + " over the live rows' bytes, estimated from the catalog) is at least this (0 = never; else above 1) ...")
                .define(BACKPRESSURE_SPACE_HARD, Type.DOUBLE, 8.0, Range.atLeast(0), Importance.MEDIUM,
                        "... and pauses at this (0 = never; else above 1).")
                .define(BACKPRESSURE_SPACE_MIN_GARBAGE, Type.LONG, 1024 * MB, Range.atLeast(0), Importance.LOW,
                        "Space amplification holds a channel back only once its garbage (deleted, expired and dropped bytes still"
                                + " in object storage) reaches this, so a small channel is never held back by its ratio alone.")
                .define(BACKPRESSURE_DELAYED_RATE, Type.DOUBLE, 1000.0, Range.atLeast(0.001), Importance.LOW,
                        "Rows per second a slowed channel takes just past a soft limit, falling linearly to nothing at its hard"
                                + " limit; never slower than one record per backpressure.max.block.ms (RocksDB's delayed_write_rate).")
                .define(UPLOAD_THREADS, Type.INT, 2, Range.atLeast(1), Importance.MEDIUM,
                        "Threads uploading segments to object storage, per collection.")
                .define(UPLOAD_BACKOFF_MS, Type.LONG, 100L, Range.atLeast(1), Importance.LOW,
                        "First wait before retrying a failed upload; doubles on each failure ...")
                .define(UPLOAD_MAX_BACKOFF_MS, Type.LONG, 5_000L, Range.atLeast(1), Importance.LOW,
                        "... up to this.")
                .define(STATS_BLOOM_FPP, Type.DOUBLE, 0.001, Range.between(1e-9, 0.5), Importance.LOW,
                        "False-positive rate of the primary-key bloom filter in each segment's stats log.")
                .define(ROWS_MEMTABLE_BYTES, Type.LONG, 128 * MB, Range.atLeast(MB), Importance.LOW,
                        "RocksDB memtable size of each channel's row store. Rows leave the store once their segment is uploaded;"
                                + " a memtable that outlives that (about twice the segment capacity) spares RocksDB writing and"
                                + " compacting them on disk. RocksDB's default is 64 MB.")
                .define(STREAMS_THREADS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM,
                        "Kafka Streams threads per collection (num.stream.threads).")
                .define(STREAMS_COMMIT_MS, Type.LONG, 100L, Range.atLeast(1), Importance.LOW,
                        "Kafka Streams commit interval (exactly-once transactions).")
                .define(STREAMS_SESSION_TIMEOUT_MS, Type.INT, 10_000, Range.between(6_000, 300_000), Importance.LOW,
                        "Session timeout of the Streams consumers: how long the channels of an instance that died wait before"
                                + " another instance takes them over (Kafka's default is 45 s).")
                .define(STREAMS_MAX_POLL_INTERVAL_MS, Type.INT, 300_000, Range.atLeast(15_000), Importance.LOW,
                        "max.poll.interval.ms of the Streams consumers: a stream thread that takes no record for this long (hung)"
                                + " leaves the group, its channels go to other instances and their lag status is STOP meanwhile."
                                + " At least three times the longest backpressure.max.block.ms, so backpressure never expels a thread.");
    }

    public static IngestSettings from(AbstractConfig config) {
        SealConfig seal = new SealConfig(config.getLong(SEAL_CAPACITY_BYTES), config.getDouble(SEAL_CAPACITY_JITTER),
                config.getLong(SEAL_LIFETIME_MS), config.getLong(SEAL_IDLE_MS), config.getLong(SEAL_IDLE_MIN_BYTES),
                config.getLong(SEAL_INSERT_LOG_ROWS), config.getInt(SEAL_MAX_INSERT_LOGS), config.getLong(SEAL_BLOCKING_L0_BYTES),
                config.getLong(SEAL_BLOCKING_L0_ENTRIES), config.getLong(SEAL_CHANNEL_GROWING_BYTES));
        L0FlushPolicy l0 = new L0FlushPolicy(config.getLong(L0_FLUSH_BYTES), config.getLong(L0_FLUSH_ENTRIES), config.getLong(L0_FLUSH_AGE_MS));
        return new IngestSettings(seal, l0, config.getLong(INGEST_TICK_MS), config.getLong(SEAL_CHECK_MS),
                config.getInt(BACKPRESSURE_MAX_SEALED), config.getLong(BACKPRESSURE_MAX_BLOCK_MS), config.getInt(UPLOAD_THREADS),
                config.getLong(UPLOAD_BACKOFF_MS), config.getLong(UPLOAD_MAX_BACKOFF_MS), config.getDouble(STATS_BLOOM_FPP),
                config.getLong(ROWS_MEMTABLE_BYTES), config.getInt(STREAMS_THREADS), config.getLong(STREAMS_COMMIT_MS),
                config.getInt(STREAMS_SESSION_TIMEOUT_MS), config.getInt(STREAMS_MAX_POLL_INTERVAL_MS), compactionBackpressure(config));
    }

    private static CompactionBackpressure compactionBackpressure(AbstractConfig config) {
        try {
            return new CompactionBackpressure(config.getLong(BACKPRESSURE_BACKLOG_SOFT), config.getLong(BACKPRESSURE_BACKLOG_HARD),
                    config.getLong(BACKPRESSURE_RECLAIM_SOFT), config.getLong(BACKPRESSURE_RECLAIM_HARD), config.getDouble(BACKPRESSURE_SPACE_SOFT),
                    config.getDouble(BACKPRESSURE_SPACE_HARD), config.getLong(BACKPRESSURE_SPACE_MIN_GARBAGE), config.getDouble(BACKPRESSURE_DELAYED_RATE));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
