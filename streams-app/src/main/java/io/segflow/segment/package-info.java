/**
 * Segments of a channel as the ingest task keeps them: ids unique across channels and restarts,
 * the row store's keys and values, and the channel's active segments (growing, sealed, flushing).
 */
package io.segflow.segment;
