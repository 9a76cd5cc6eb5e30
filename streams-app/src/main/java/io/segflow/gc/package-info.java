/**
 * Garbage collection of a channel's objects: which files may go is decided from values by
 * {@link io.segflow.gc.CollectionDecisions}; {@link io.segflow.gc.GarbageCollector} runs the
 * rounds on the channel task's ticks and the deletes on an I/O thread.
 */
package io.segflow.gc;
