package io.segflow.ingest;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * A flush request travels through each channel as a control record (no key, no value, these
 * headers), as Milvus sends flush messages down its DML channels: when a task reaches it, every
 * earlier record of the channel has been taken in, so sealing what it holds flushes exactly the
 * data written before the request. Decoders never see it; other consumers of {@code C.dml} should
 * skip records with the {@value #CONTROL} header.
 */
public final class FlushBarrier {
    public static final String CONTROL = "segflow.control";
    public static final String FLUSH = "flush";
    public static final String FLUSH_ID = "segflow.flush.id";

    private FlushBarrier() {
    }

    public static Headers headers(String flushId) {
        return new RecordHeaders().add(CONTROL, FLUSH.getBytes(StandardCharsets.UTF_8))
                .add(FLUSH_ID, flushId.getBytes(StandardCharsets.UTF_8));
    }

    /** The flush id if {@code headers} are a flush barrier's. */
    public static Optional<String> flushId(Headers headers) {
        Header control = headers.lastHeader(CONTROL);
        if (control == null || !FLUSH.equals(new String(control.value(), StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        Header id = headers.lastHeader(FLUSH_ID);
        return Optional.of(id == null ? "" : new String(id.value(), StandardCharsets.UTF_8));
    }
}
