package io.segflow.storage;

/**
 * Where a segment's files live: {@code <collection>/<channel>/<segment>/<kind>/<n>.avro}. Paths
 * depend only on these names, so a retried upload overwrites its earlier attempt.
 */
public final class ObjectPaths {
    private ObjectPaths() {
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
