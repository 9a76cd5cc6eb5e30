/**
 * Deletes: the channel's L0 buffer of (pk, position) entries, kept in a RocksDB store with an
 * in-memory index of each key's newest delete, and the pure policy that decides when the buffer
 * is flushed as an L0 segment (a delta log only).
 */
package io.segflow.delete;
