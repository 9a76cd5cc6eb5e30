package io.segflow.imports;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * How bulk import jobs are kept and run.
 *
 * @param topic          the compacted topic of every collection's jobs
 * @param retentionMs    how long a finished job stays listed
 * @param progressRows   a running job records its progress every this many rows
 * @param segmentBytes   an imported segment holds at most this many bytes of rows
 */
public record ImportSettings(String topic, long retentionMs, long progressRows, long segmentBytes) {
    public static final String TOPIC = "import.topic";
    public static final String RETENTION_MS = "import.retention.ms";
    public static final String PROGRESS_ROWS = "import.progress.rows";
    public static final String SEGMENT_BYTES = "import.segment.bytes";
    private static final long MB = 1024 * 1024;

    public static ConfigDef define(ConfigDef def) {
        return def
                .define(TOPIC, Type.STRING, "_segflow_imports", new ConfigDef.NonEmptyString(), Importance.LOW,
                        "Compacted topic holding bulk import jobs, keyed by collection and import id.")
                .define(RETENTION_MS, Type.LONG, 24 * 3_600_000L, Range.atLeast(0), Importance.LOW,
                        "How long a COMPLETED or FAILED import job stays listed after it ended (Milvus: 3 h).")
                .define(PROGRESS_ROWS, Type.LONG, 100_000L, Range.atLeast(1), Importance.LOW,
                        "A running import job records its progress (importedRows) every this many rows.")
                .define(SEGMENT_BYTES, Type.LONG, 64 * MB, Range.atLeast(1), Importance.LOW,
                        "An imported segment holds at most this many bytes of rows; each channel buffers one segment's worth.");
    }

    public static ImportSettings from(AbstractConfig config) {
        return new ImportSettings(config.getString(TOPIC), config.getLong(RETENTION_MS), config.getLong(PROGRESS_ROWS),
                config.getLong(SEGMENT_BYTES));
    }
}
