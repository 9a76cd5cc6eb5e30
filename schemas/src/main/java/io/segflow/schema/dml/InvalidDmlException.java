package io.segflow.schema.dml;

import io.segflow.schema.serde.BadInputException;
import io.segflow.schema.serde.BadInputReason;
import io.segflow.schema.serde.RecordSource;

/** A well-formed DML record that breaks its collection's rules (pk, key, vector, partition). */
public final class InvalidDmlException extends BadInputException {
    public InvalidDmlException(BadInputReason reason, RecordSource source, String detail) {
        super(reason, source, detail);
    }
}
