package io.segflow.fanout;

import io.segflow.schema.SegmentInfo;
import io.segflow.schema.dml.PrimaryKeys;

import java.util.List;

/** A segment as {@code GET /collections/C/segments} shows it; {@code importId} names the bulk import that wrote it, if one did. */
public record SegmentDescription(long id, int channel, String partition, String level, String state, long rows, long deletedRows,
                          long deletedAtFlush, long bytes, long minPosition, long maxPosition, Object minPk, Object maxPk,
                          long createdAtMs, long lastWriteMs, int schemaVersion, String sealReason, List<String> insertLogPaths,
                          List<String> deltaLogPaths, String statsLogPath, List<Long> compactedFrom,
                          String importId) {

    public static SegmentDescription of(SegmentInfo s) {
        return new SegmentDescription(s.getId(), s.getChannel(), s.getPartition(), s.getLevel().name(), s.getState().name(), s.getRows(),
                s.getDeletedRows(), s.getDeletedAtFlush(), s.getBytes(), s.getMinPosition(), s.getMaxPosition(), PrimaryKeys.plain(s.getMinPk()),
                PrimaryKeys.plain(s.getMaxPk()), s.getCreatedAtMs(), s.getLastWriteMs(), s.getSchemaVersion(), s.getSealReason(),
                List.copyOf(s.getInsertLogPaths()), List.copyOf(s.getDeltaLogPaths()), s.getStatsLogPath(), List.copyOf(s.getCompactedFrom()),
                s.getImportId());
    }
}
