package io.segflow.read;

import java.util.Map;

/** A live row as reads return it: where it is, its key and position, and its values. */
public record ReadRow(int channel, long segmentId, String partition, Object pk, long position, long ts, float[] vector,
                      Map<String, Object> fields) {
}
