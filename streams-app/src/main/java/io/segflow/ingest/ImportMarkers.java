package io.segflow.ingest;

import io.segflow.schema.SegmentInfo;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * A bulk import travels through each channel it writes to as control records of {@code C.dml}
 * (like a flush barrier): {@code begin} takes the job's position, {@code segment} (its value the
 * segment's entry, Avro single-object encoded) adds one Importing segment, {@code commit} moves
 * the job's segments of the channel to Flushed, {@code abort} drops them.
 */
public final class ImportMarkers {
    public static final String IMPORT = "import";
    public static final String IMPORT_ID = "segflow.import.id";
    public static final String STEP = "segflow.import.step";

    /** What a marker tells the channel. */
    public enum Step {
        BEGIN, SEGMENT, COMMIT, ABORT
    }

    /** A decoded marker: {@code segment} only for {@link Step#SEGMENT}. */
    public record Marker(String importId, Step step, SegmentInfo segment) {
    }

    private ImportMarkers() {
    }

    public static Headers headers(String importId, Step step) {
        return new RecordHeaders().add(FlushBarrier.CONTROL, IMPORT.getBytes(StandardCharsets.UTF_8))
                .add(IMPORT_ID, importId.getBytes(StandardCharsets.UTF_8))
                .add(STEP, step.name().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] value(SegmentInfo segment) {
        try {
            ByteBuffer encoded = segment.toByteBuffer();
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode segment " + segment.getId(), e);
        }
    }

    /** The marker if {@code headers} are an import's. */
    public static Optional<Marker> marker(Headers headers, byte[] value) {
        Header control = headers.lastHeader(FlushBarrier.CONTROL);
        if (control == null || !IMPORT.equals(new String(control.value(), StandardCharsets.UTF_8))) {
            return Optional.empty();
        }
        Header id = headers.lastHeader(IMPORT_ID);
        Header step = headers.lastHeader(STEP);
        if (id == null || step == null) {
            throw new IllegalArgumentException("an import marker without " + (id == null ? IMPORT_ID : STEP));
        }
        Step kind = Step.valueOf(new String(step.value(), StandardCharsets.UTF_8).toUpperCase(Locale.ROOT));
        SegmentInfo segment = null;
        if (kind == Step.SEGMENT) {
            try {
                segment = SegmentInfo.fromByteBuffer(ByteBuffer.wrap(value));
            } catch (IOException e) {
                throw new IllegalArgumentException("undecodable segment of an import marker", e);
            }
        }
        return Optional.of(new Marker(new String(id.value(), StandardCharsets.UTF_8), kind, segment));
    }
}
