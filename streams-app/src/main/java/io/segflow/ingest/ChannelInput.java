package io.segflow.ingest;

import io.segflow.compaction.ChannelCompactions;
import io.segflow.compaction.ManualCompaction;
import io.segflow.schema.CompactionResult;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * What a channel task reads, typed by the deserializer of the source it came from: from
 * {@code C.dml} a DML record, a flush barrier, a manual compaction request or an import's marker; from
 * {@code C.compaction-results} a result for the channel's {@link ChannelCompactions coordinator}.
 */
public sealed interface ChannelInput {
    /** A DML record, decoded (or dead-lettered) by the ingest step. */
    record Dml(byte[] value) implements ChannelInput {
    }

    /** A flush barrier: everything before it is to be flushed. */
    record Barrier(String flushId) implements ChannelInput {
    }

    /** A manual compaction request, planned by the channels it covers. */
    record Manual(ManualCompaction request) implements ChannelInput {
    }

    /** A bulk import's marker: its begin, one of its segments, its commit or abort. */
    record Import(ImportMarkers.Marker marker) implements ChannelInput {
    }

    /** A report of the compaction stream; null if it could not be decoded. */
    record Result(CompactionResult result) implements ChannelInput {
    }

    /** The value deserializer of {@code C.dml}: control records are told apart by their headers. */
    static Deserializer<ChannelInput> dml() {
        return new Deserializer<>() {
            @Override
            public ChannelInput deserialize(String topic, byte[] data) {
                return new Dml(data);
            }

            @Override
            public ChannelInput deserialize(String topic, Headers headers, byte[] data) {
                ChannelInput control = FlushBarrier.flushId(headers).<ChannelInput>map(Barrier::new)
                        .or(() -> CompactionRequests.request(headers).map(Manual::new))
                        .or(() -> ImportMarkers.marker(headers, data).map(Import::new)).orElse(null);
                return control != null ? control : new Dml(data);
            }
        };
    }

    /** The value deserializer of {@code C.compaction-results}. */
    static Deserializer<ChannelInput> results(Deserializer<CompactionResult> results) {
        return (topic, data) -> new Result(results.deserialize(topic, data));
    }
}
