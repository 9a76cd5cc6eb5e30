package io.segflow.fanout;

import io.segflow.http.Peers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.ingest.CollectionPipeline;
import io.segflow.ingest.CollectionPipelines;
import org.apache.kafka.streams.state.HostInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Segments of a collection across all instances. */
public final class CollectionSegments {
    private final CollectionPipelines pipelines;
    private final Peers peers;
    private final ObjectMapper json;

    public CollectionSegments(CollectionPipelines pipelines, ObjectMapper json) {
        this.pipelines = pipelines;
        this.peers = new Peers(json);
        this.json = json;
    }

    /** Segments of the channels this instance holds, or of every channel when {@code localOnly} is false. */
    public List<SegmentDescription> segments(String collection, boolean localOnly) {
        CollectionPipeline pipeline = pipelines.ensure(collection);
        List<SegmentDescription> segments = new ArrayList<>();
        Queryable.query(pipeline, pipeline::localSegments).forEach(s -> segments.add(SegmentDescription.of(s)));
        if (!localOnly) {
            for (HostInfo peer : pipeline.otherInstances()) {
                for (JsonNode segment : peers.get(peer, Peers.path("collections", collection, "segments") + "?scope=local")) {
                    segments.add(json.convertValue(segment, SegmentDescription.class));
                }
            }
        }
        segments.sort(Comparator.comparingInt(SegmentDescription::channel).thenComparingLong(SegmentDescription::id));
        return segments;
    }
}
