/** Small building blocks on Kafka clients shared by features: a replicated map on a compacted topic, topic creation. */
package io.segflow.kafka;
