package io.segflow.schema.dml;

import io.segflow.schema.serde.BadInputException;
import io.segflow.schema.serde.BadInputReason;
import io.segflow.schema.serde.RecordSource;

/** A valid DML record in a channel other than the one its key hashes to; it names the right one. */
public final class WrongChannelException extends BadInputException {
    private final int expectedChannel;

    public WrongChannelException(RecordSource source, int expectedChannel, String detail) {
        super(BadInputReason.WRONG_CHANNEL, source, detail);
        this.expectedChannel = expectedChannel;
    }

    public int expectedChannel() {
        return expectedChannel;
    }
}
