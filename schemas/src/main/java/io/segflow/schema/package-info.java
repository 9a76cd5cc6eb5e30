/**
 * Avro types of every Segflow topic value, generated at build time from {@code src/main/avro}:
 * {@link io.segflow.schema.CollectionSpec}, {@link io.segflow.schema.SegmentInfo},
 * {@link io.segflow.schema.CompactionTask} and {@link io.segflow.schema.CompactionResult}.
 * The DML value of a collection is not a fixed type: {@link io.segflow.schema.dml.DmlSchemas}
 * derives it from the collection's spec.
 */
package io.segflow.schema;
