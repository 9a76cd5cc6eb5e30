package io.segflow.ingest;

import io.segflow.schema.dml.WrongChannelException;
import io.segflow.schema.serde.BadInputException;
import io.segflow.schema.serde.DeadLetterHeaders;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * Headers of a record sent to {@code C.dlq}: its original key, value and headers are kept, and
 * the {@link DeadLetterHeaders} say why and where from.
 */
public final class DeadLetters {
    private DeadLetters() {
    }

    public static Headers headers(Headers original, BadInputException error) {
        Headers headers = new RecordHeaders(original.toArray());
        headers.add(DeadLetterHeaders.REASON, bytes(error.reason().name()))
                .add(DeadLetterHeaders.MESSAGE, bytes(error.getMessage()))
                .add(DeadLetterHeaders.TOPIC, bytes(error.source().topic()))
                .add(DeadLetterHeaders.PARTITION, bytes(String.valueOf(error.source().partition())))
                .add(DeadLetterHeaders.OFFSET, bytes(String.valueOf(error.source().offset())));
        if (error instanceof WrongChannelException wrong) {
            headers.add(DeadLetterHeaders.EXPECTED_CHANNEL, bytes(String.valueOf(wrong.expectedChannel())));
        }
        return headers;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
