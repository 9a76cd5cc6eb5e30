/**
 * Seal policies: pure functions from a channel's segment view and the current time to the
 * growing segments to seal, each decision naming the policy that fired. They follow Milvus's
 * DataCoord (capacity with jitter, lifetime, idle time, binlog file count, blocking L0, channel
 * growing total) and are run by the ingest punctuator.
 */
package io.segflow.seal;
