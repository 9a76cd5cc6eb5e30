package io.segflow.seal;

/**
 * Thresholds of the seal policies (Milvus's defaults scaled to one machine; see the README).
 *
 * @param capacityBytes         seal at this many bytes, less the segment's jitter
 * @param capacityJitter        fraction in [0, 1): each segment seals somewhere in [1 - jitter, 1] x capacity
 * @param lifetimeMs            seal once this old
 * @param idleMs                seal once idle this long ...
 * @param idleMinBytes          ... if it holds at least this much
 * @param rowsPerInsertLog      rows of one insert-log file at flush
 * @param maxInsertLogs         seal when a flush would write this many insert-log files
 * @param blockingL0Bytes       seal the oldest segments while newer deletes exceed this size ...
 * @param blockingL0Entries     ... or this many entries
 * @param channelGrowingBytes   seal the largest segments while the channel's growing total exceeds this
 */
public record SealConfig(long capacityBytes, double capacityJitter, long lifetimeMs, long idleMs, long idleMinBytes,
                         long rowsPerInsertLog, int maxInsertLogs, long blockingL0Bytes, long blockingL0Entries,
                         long channelGrowingBytes) {
    public SealConfig {
        if (capacityJitter < 0 || capacityJitter >= 1) {
            throw new IllegalArgumentException("capacity jitter must be in [0, 1), not " + capacityJitter);
        }
    }
}
