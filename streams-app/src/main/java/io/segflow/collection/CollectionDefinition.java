package io.segflow.collection;

import java.util.List;

/**
 * What a user asks for when creating a collection, as given (JSON body or CLI flags): types are
 * still names and anything may be missing or wrong until {@link CollectionRules#problems} says
 * otherwise. Null means the default.
 */
public record CollectionDefinition(
        String name,
        String pkType,
        Integer dim,
        Integer channels,
        List<FieldDefinition> fields,
        List<String> partitions,
        String clusteringKey,
        Long ttlMs,
        Long reclaimDeadlineMs) {

    /** A definition that takes the instance's reclaim deadline. */
    public CollectionDefinition(String name, String pkType, Integer dim, Integer channels, List<FieldDefinition> fields,
                                List<String> partitions, String clusteringKey, Long ttlMs) {
        this(name, pkType, dim, channels, fields, partitions, clusteringKey, ttlMs, null);
    }

    /** A scalar field: its name and the name of a {@link io.segflow.schema.ScalarType}. */
    public record FieldDefinition(String name, String type) {
    }
}
