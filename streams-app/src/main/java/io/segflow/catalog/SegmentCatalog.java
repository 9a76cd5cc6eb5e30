package io.segflow.catalog;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.segflow.http.HttpError;
import io.segflow.ingest.IngestPipeline;
import io.segflow.ingest.IngestPipelines;
import io.segflow.schema.SegmentInfo;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Segments of a collection across all instances. */
public final class SegmentCatalog {
    private static final Duration QUERYABLE_WAIT = Duration.ofSeconds(15);

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
        local(pipeline).forEach(s -> segments.add(SegmentView.of(s)));
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

    /** The local stores, waiting out a (re)balance for a while as interactive queries must. */
    private static List<SegmentInfo> local(IngestPipeline pipeline) {
        long deadline = System.nanoTime() + QUERYABLE_WAIT.toNanos();
        while (true) {
            try {
                return pipeline.localSegments();
            } catch (InvalidStateStoreException e) {
                if (System.nanoTime() > deadline) {
                    throw new HttpError(503, Map.of("error", "the segments of " + pipeline.collection() + " are not queryable ("
                            + pipeline.state() + "): " + e.getMessage()));
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
