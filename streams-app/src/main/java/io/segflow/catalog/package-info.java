/**
 * A channel's segment metadata and its only writer, {@link io.segflow.catalog.ChannelCatalog}:
 * changes as values ({@link io.segflow.catalog.CatalogChange}), every state move checked against
 * {@link io.segflow.catalog.SegmentTransitions}, and {@link io.segflow.catalog.SegmentGroups},
 * the one classification of segments by state that readers and planners share.
 */
package io.segflow.catalog;
