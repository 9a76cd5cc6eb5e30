package io.segflow.catalog;

import io.segflow.schema.SegmentInfo;

/**
 * One change to a channel's segment metadata, as a value: what the ingest step, the compaction
 * coordinator and garbage collection hand to {@link ChannelCatalog#apply}, and what the commit
 * planner returns, so a rule can be tested from the changes it makes.
 */
public sealed interface CatalogChange {
    /** The segment's new metadata: a new segment, an update in its state, or a move to another. */
    record Put(SegmentInfo segment) implements CatalogChange {
    }

    /** A Dropped segment whose files are gone leaves the catalog. */
    record Forget(long id) implements CatalogChange {
    }

    static CatalogChange put(SegmentInfo segment) {
        return new Put(segment);
    }

    static CatalogChange forget(long id) {
        return new Forget(id);
    }
}
