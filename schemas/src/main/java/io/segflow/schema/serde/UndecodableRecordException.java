package io.segflow.schema.serde;

/** An Avro body that does not decode with its writer schema or resolve to the reader schema. */
public final class UndecodableRecordException extends BadInputException {
    public UndecodableRecordException(RecordSource source, String detail, Throwable cause) {
        super(BadInputReason.UNDECODABLE, source, detail, cause);
    }
}
