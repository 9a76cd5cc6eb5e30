package io.segflow.ingest;

import io.segflow.schema.dml.WrongChannelException;
import io.segflow.schema.serde.BadInputException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;

/**
 * Headers of a record sent to {@code C.dlq}: its original key, value and headers are kept, and
 * these say why and where from.
 */
public final class DeadLetters {
    public static final String REASON = "segflow.error.reason";
    public static final String MESSAGE = "segflow.error.message";
    public static final String TOPIC = "segflow.error.topic";
    public static final String PARTITION = "segflow.error.partition";
    public static final String OFFSET = "segflow.error.offset";
    /** On {@code WRONG_CHANNEL}: the channel the record's key hashes to, where a replay sends it. */
    public static final String EXPECTED_CHANNEL = "segflow.error.expected.channel";

    private DeadLetters() {
    }

    public static Headers headers(Headers original, BadInputException error) {
        Headers headers = new RecordHeaders(original.toArray());
        headers.add(REASON, bytes(error.reason().name()))
                .add(MESSAGE, bytes(error.getMessage()))
                .add(TOPIC, bytes(error.source().topic()))
                .add(PARTITION, bytes(String.valueOf(error.source().partition())))
                .add(OFFSET, bytes(String.valueOf(error.source().offset())));
        if (error instanceof WrongChannelException wrong) {
            headers.add(EXPECTED_CHANNEL, bytes(String.valueOf(wrong.expectedChannel())));
        }
        return headers;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
