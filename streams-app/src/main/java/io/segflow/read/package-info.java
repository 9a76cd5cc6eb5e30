/**
 * The read path: a consistent snapshot of a channel (flushed segments, rows and deletes not yet
 * flushed, read between the channel task's moves), point reads and vector search over it, with
 * the files a read uses pinned against garbage collection.
 */
package io.segflow.read;
