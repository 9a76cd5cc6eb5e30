package io.segflow.schema.serde;

/**
 * Names of the headers a record sent to {@code C.dlq} carries, whoever sent it (the ingest step,
 * or the Connect plugin's transform): the same names for every client and script that reads the
 * dead letters.
 */
public final class DeadLetterHeaders {
    /** A {@link BadInputReason} name. */
    public static final String REASON = "segflow.error.reason";
    public static final String MESSAGE = "segflow.error.message";
    /** Where the record came from: a Kafka topic, or a Connect source's topic. */
    public static final String TOPIC = "segflow.error.topic";
    public static final String PARTITION = "segflow.error.partition";
    public static final String OFFSET = "segflow.error.offset";
    /** On {@code WRONG_CHANNEL}: the channel the record's key hashes to, where a replay sends it. */
    public static final String EXPECTED_CHANNEL = "segflow.error.expected.channel";

    private DeadLetterHeaders() {
    }
}
