/**
 * Rows on their way into segments: ids unique across channels and restarts, the row store and
 * its keys, and {@link io.segflow.segment.SegmentWriter}, the ingest step's side of a channel's
 * growing and sealed segments.
 */
package io.segflow.segment;
