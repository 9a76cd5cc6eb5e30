/**
 * The embedded Schema Registry: the Confluent REST API for Avro subjects (register, look up,
 * get by id, versions, compatibility checks and configuration), its state kept in the compacted
 * {@code _schemas} topic in the record format Confluent's registry uses, so it survives restarts.
 * Compatibility is decided by Avro's own {@code SchemaCompatibility}.
 */
package io.segflow.registry;
