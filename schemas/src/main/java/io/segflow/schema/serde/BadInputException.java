package io.segflow.schema.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record that cannot be accepted, with the reason and where it came from. It extends Kafka's
 * {@link SerializationException} so that Kafka's own deserialization handlers see it as such.
 */
public class BadInputException extends SerializationException {
    private final BadInputReason reason;
    private final RecordSource source;

    public BadInputException(BadInputReason reason, RecordSource source, String detail, Throwable cause) {
        super(detail + " (" + source + ")", cause);
        this.reason = reason;
        this.source = source;
    }

    public BadInputException(BadInputReason reason, RecordSource source, String detail) {
        this(reason, source, detail, null);
    }

    public BadInputReason reason() {
        return reason;
    }

    public RecordSource source() {
        return source;
    }
}
