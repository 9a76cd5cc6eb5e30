package io.segflow.delete;

import io.segflow.seal.SealReason;

import java.util.Optional;

/**
 * When the L0 buffer is written out as an L0 segment: on size, entry count or the age of its
 * oldest entry (Milvus: 32 MB, 500k rows, 10 min; scaled defaults in the README). Pure.
 */
public record L0FlushPolicy(long maxBytes, long maxEntries, long maxAgeMs) {
    /** The reason to flush a buffer of {@code entries} entries and {@code bytes} bytes, oldest written at {@code oldestMs}; empty to wait. */
    public Optional<SealReason> decide(long entries, long bytes, long oldestMs, long nowMs) {
        if (entries == 0) {
            return Optional.empty();
        }
        if (bytes >= maxBytes) {
            return Optional.of(SealReason.L0_SIZE);
        }
        if (entries >= maxEntries) {
            return Optional.of(SealReason.L0_ENTRIES);
        }
        if (nowMs - oldestMs >= maxAgeMs) {
            return Optional.of(SealReason.L0_AGE);
        }
        return Optional.empty();
    }
}
