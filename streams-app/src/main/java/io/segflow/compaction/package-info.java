/**
 * Compaction decisions, as pure functions of an immutable view of a channel's flushed segments
 * and the time: the trigger policies, the packer, the prioritizer, the exclusion rules and the
 * task state machine.
 */
package io.segflow.compaction;
