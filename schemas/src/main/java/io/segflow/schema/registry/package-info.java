/**
 * A small client of the Confluent Schema Registry REST API (register a subject version, get a
 * schema by id, latest version, compatibility check and configuration) and the compatibility
 * rules it and the embedded registry share, decided by Avro's own {@code SchemaCompatibility}.
 */
package io.segflow.schema.registry;
