package io.segflow.schema.serde;

/** Bytes that do not start with the Confluent wire-format header. */
public final class NotWireFormatException extends BadInputException {
    public NotWireFormatException(RecordSource source, String detail) {
        super(BadInputReason.NOT_WIRE_FORMAT, source, detail);
    }
}
