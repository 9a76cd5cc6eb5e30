package io.segflow.storage;

import io.segflow.schema.SegmentInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * Where a segment's files live: {@code <collection>/<channel>/<segment>/<kind>/<n>.avro}. Paths
 * depend only on these names, so a retried upload overwrites its earlier attempt.
 */
public final class ObjectPaths {
    private ObjectPaths() {
    }

    /** Every file a segment's catalog entry names: insert logs, delta logs, stats log. */
    public static List<String> files(SegmentInfo segment) {
        List<String> files = new ArrayList<>(segment.getInsertLogPaths());
        files.addAll(segment.getDeltaLogPaths());
        if (segment.getStatsLogPath() != null) {
            files.add(segment.getStatsLogPath());
        }
        return files;
    }

    public static String segment(String collection, int channel, long segmentId) {
        return collection + "/" + channel + "/" + segmentId + "/";
    }

    public static String insertLog(String collection, int channel, long segmentId, int index) {
        return segment(collection, channel, segmentId) + "insert_log/" + index + ".avro";
    }

    public static String deltaLog(String collection, int channel, long segmentId, long index) {
        return segment(collection, channel, segmentId) + "delta_log/" + index + ".avro";
    }

    public static String statsLog(String collection, int channel, long segmentId) {
        return segment(collection, channel, segmentId) + "stats_log/stats.avro";
    }
}
