package io.segflow.ingest;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a channel's task tells readers on other threads so that they see one consistent state of
 * its stores. Per channel: the position up to which every record is reflected in the stores
 * (readers ignore rows and deletes past it), and a sequence lock around the moves that take rows
 * or deletes out of the stores into a flushed segment (odd while one runs; a reader that saw it
 * change reads again).
 */
public final class ChannelFences {
    private final Map<Integer, Fence> fences = new ConcurrentHashMap<>();

    public Fence of(int channel) {
        return fences.computeIfAbsent(channel, c -> new Fence());
    }

    /** The fence of one channel. */
    public static final class Fence {
        private final AtomicLong moves = new AtomicLong();
        private volatile long reflectedThrough = -1;
        private volatile long deletesFrom;

        /** Every record up to {@code position} is in the stores. */
        void reflected(long position) {
            reflectedThrough = Math.max(reflectedThrough, position);
        }

        /** A new owner starts again from what its stores hold. */
        void reset(long position, long firstDelete) {
            reflectedThrough = position;
            deletesFrom = firstDelete;
        }

        /** Deletes before {@code position} have left the L0 buffer store; changed only during a move. */
        void deletesFrom(long position) {
            deletesFrom = position;
        }

        void beginMove() {
            moves.incrementAndGet();
        }

        void endMove() {
            moves.incrementAndGet();
        }

        public long reflectedThrough() {
            return reflectedThrough;
        }

        /** The lowest position the L0 buffer store may still hold. */
        public long deletesFrom() {
            return deletesFrom;
        }

        /** The move sequence: even when no move runs. */
        public long moves() {
            return moves.get();
        }
    }
}
