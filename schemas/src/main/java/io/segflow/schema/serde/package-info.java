/**
 * The Confluent wire format (magic byte 0, 4-byte big-endian schema id, Avro binary): Kafka
 * serializers and deserializers for any Avro record, and the typed errors raised for bytes
 * that are not in this format. Each error names the topic, partition and offset it came from
 * so that the pipeline can route it to the collection's dead-letter topic.
 */
package io.segflow.schema.serde;
