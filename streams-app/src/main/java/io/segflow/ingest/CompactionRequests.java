package io.segflow.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.segflow.compaction.ManualCompaction;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A manual compaction travels through each channel it covers as a control record of
 * {@code C.dml} (like a flush barrier): the channel's coordinator plans it with its own view, in
 * order with the channel's data.
 */
public final class CompactionRequests {
    public static final String COMPACT = "compact";
    public static final String REQUEST = "segflow.compaction.request";
    private static final ObjectMapper JSON = new ObjectMapper();

    private CompactionRequests() {
    }

    public static Headers headers(ManualCompaction request) {
        try {
            return new RecordHeaders().add(FlushBarrier.CONTROL, COMPACT.getBytes(StandardCharsets.UTF_8))
                    .add(REQUEST, JSON.writeValueAsBytes(request));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode " + request, e);
        }
    }

    /** The request if {@code headers} are a compaction request's. */
    public static Optional<ManualCompaction> request(Headers headers) {
        Header control = headers.lastHeader(FlushBarrier.CONTROL);
        Header request = headers.lastHeader(REQUEST);
        if (control == null || request == null || !COMPACT.equals(new String(control.value(), StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(request.value(), ManualCompaction.class));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("undecodable compaction request", e);
        }
    }
}
