/**
 * Compaction. Pure decisions, functions of values and the time: the trigger policies
 * ({@link io.segflow.compaction.CompactionPolicies}, planned from a
 * {@link io.segflow.compaction.CompactionView}), the commit rules
 * ({@link io.segflow.compaction.CommitPlanner}), output sizing, the scheduler and the task state
 * machine. Runtime on top: each channel's coordinator ({@link io.segflow.compaction.ChannelCompactions})
 * and the compaction stream with its workers.
 */
package io.segflow.compaction;
