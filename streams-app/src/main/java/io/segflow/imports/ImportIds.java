package io.segflow.imports;

import io.segflow.segment.SegmentIds;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The ids of import jobs and of the segments they write. A job with an idempotency key gets an id
 * derived from it, so a retried request names the job it already created. An imported segment's
 * id is derived from the job's position in its channel and its rank there: a resumed job writes
 * the same segments to the same paths (overwriting, never duplicating), and the ids never meet
 * those a channel task counts out, whose counters stay below {@link #IMPORTED}.
 */
public final class ImportIds {
    /** The counter bit of imported segments' ids. */
    static final long IMPORTED = 1L << 54;
    static final int RANK_BITS = 14;
    static final int POSITION_BITS = 40;

    private ImportIds() {
    }

    public static String jobId(String collection, String idempotencyKey) {
        if (idempotencyKey == null || idempotencyKey.isBlank()) {
            return UUID.randomUUID().toString();
        }
        return UUID.nameUUIDFromBytes((collection + "\u0000" + idempotencyKey).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The id of the {@code rank}-th segment a job at {@code position} writes in {@code channel}. */
    public static long segmentId(long position, int rank, int channel) {
        if (position < 0 || position >= 1L << POSITION_BITS) {
            throw new IllegalArgumentException("position " + position + " does not fit in " + POSITION_BITS + " bits");
        }
        if (rank < 0 || rank >= 1 << RANK_BITS) {
            throw new IllegalArgumentException("an import writes at most " + (1 << RANK_BITS) + " segments per channel");
        }
        return SegmentIds.id(IMPORTED | position << RANK_BITS | rank, channel);
    }
}
