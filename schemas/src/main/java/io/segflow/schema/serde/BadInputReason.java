package io.segflow.schema.serde;

/** Why an input record was refused; carried in the dead-letter headers. */
public enum BadInputReason {
    /** Too short, or the first byte is not the wire format's magic byte 0. */
    NOT_WIRE_FORMAT,
    /** The schema id in the header is not known to the Schema Registry. */
    UNKNOWN_SCHEMA_ID,
    /** The Avro body does not decode with the writer schema, or cannot be resolved to the reader schema. */
    UNDECODABLE,
    /** The record key is absent or the value carries no primary key. */
    MISSING_PK,
    /** The record key is not the plain encoding of the value's primary key. */
    KEY_MISMATCH,
    /** An INSERT or UPSERT without a vector. */
    MISSING_VECTOR,
    /** A vector that is not exactly 4 x dim bytes. */
    WRONG_VECTOR_LENGTH,
    /** The event names a partition the collection does not have. */
    UNKNOWN_PARTITION,
    /**
     * The record is in a channel other than the one its key hashes to (murmur2, Kafka's default
     * partitioner): a producer partitioning some other way, such as librdkafka's CRC32 default.
     */
    WRONG_CHANNEL,
    /** From the Connect plugin: a record that is not a Debezium change event (no {@code op}, or an unknown one). */
    NOT_A_CHANGE_EVENT,
    /** From the Connect plugin: a vector column whose type or values cannot be read as float32 values. */
    UNSUPPORTED_VECTOR
}
