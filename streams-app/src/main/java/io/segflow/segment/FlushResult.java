package io.segflow.segment;

import java.util.List;

/**
 * What a completed upload wrote.
 *
 * @param rows           rows written (L1) or deletes written (L0)
 * @param deletedAtFlush L1 rows not written because a delete already hit them
 * @param minPk          smallest written primary key (Long or String), or null
 * @param minEventMs     smallest event time of a written row (L1), 0 if none
 */
public record FlushResult(int channel, long segmentId, List<String> insertLogs, List<String> deltaLogs, String statsLog,
                          long bytes, long rows, long deletedAtFlush, Object minPk, Object maxPk, int schemaVersion,
                          long minEventMs, long maxEventMs) {
}
