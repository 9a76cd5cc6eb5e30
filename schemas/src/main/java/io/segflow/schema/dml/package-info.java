/**
 * The DML value of a collection: its Avro schema derived from the {@code CollectionSpec}, the
 * key and vector encodings every producer must share, and the decoder that turns raw topic
 * bytes into a validated {@link io.segflow.schema.dml.DmlEvent} or a typed
 * {@link io.segflow.schema.serde.BadInputException}.
 */
package io.segflow.schema.dml;
