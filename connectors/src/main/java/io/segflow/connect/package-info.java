/**
 * The Kafka Connect plugin: {@link io.segflow.connect.DebeziumToDml} turns Debezium change events
 * into a collection's DML, {@link io.segflow.connect.SegflowDmlConverter} and
 * {@link io.segflow.connect.SegflowKeyConverter} write it in the Confluent wire format with plain
 * keys, and read any of Segflow's topics back as Connect data.
 */
package io.segflow.connect;
