package io.segflow.schema.serde;

/**
 * Where a record was read from. Kafka's {@code Deserializer} does not see the partition and
 * offset, so they are {@code -1} when an error is raised there and known when the pipeline
 * decodes a whole consumer record.
 */
public record RecordSource(String topic, int partition, long offset) {
    public static final int UNKNOWN = -1;

    public static RecordSource ofTopic(String topic) {
        return new RecordSource(topic, UNKNOWN, UNKNOWN);
    }

    @Override
    public String toString() {
        if (partition == UNKNOWN) {
            return "topic " + topic;
        }
        return "topic " + topic + " partition " + partition + " offset " + offset;
    }
}
