package io.segflow.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.ingest.IngestPipeline;
import io.segflow.ingest.IngestPipelines;
import org.apache.kafka.streams.state.HostInfo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Segments of a collection across all instances. */
public final class SegmentCatalog {
    private final IngestPipelines pipelines;
    private final Peers peers;
    private final ObjectMapper json;

    public SegmentCatalog(IngestPipelines pipelines, ObjectMapper json) {
        this.pipelines = pipelines;
        this.peers = new Peers(json);
        this.json = json;
    }

    /** Segments of the channels this instance holds, or of every channel when {@code localOnly} is false. */
    public List<SegmentView> segments(String collection, boolean localOnly) {
        IngestPipeline pipeline = pipelines.ensure(collection);
        List<SegmentView> segments = new ArrayList<>();
        Queryable.query(pipeline, pipeline::localSegments).forEach(s -> segments.add(SegmentView.of(s)));
        if (!localOnly) {
            for (HostInfo peer : pipeline.otherInstances()) {
                for (JsonNode segment : peers.get(peer, "/collections/" + collection + "/segments?scope=local")) {
                    segments.add(json.convertValue(segment, SegmentView.class));
                }
            }
        }
        segments.sort(Comparator.comparingInt(SegmentView::channel).thenComparingLong(SegmentView::id));
        return segments;
    }
}
