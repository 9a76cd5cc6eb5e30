package io.segflow.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.segflow.http.Peers;
import io.segflow.schema.CollectionSpec;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Milvus's {@code flush()}: writes a flush barrier into every channel of {@code C.dml}, then waits
 * until every channel, on whichever instance holds it, has flushed everything before its barrier.
 */
public final class FlushService {
    private final CollectionPipelines pipelines;
    private final Peers peers;
    private final ControlRecords control;

    /** What a completed flush reports. */
    public record Outcome(String flushId, int channels, long waitedMs) {
    }

    public FlushService(CollectionPipelines pipelines, Peers peers, ControlRecords control) {
        this.pipelines = pipelines;
        this.peers = peers;
        this.control = control;
    }

    public Outcome flush(CollectionSpec spec, Duration timeout) throws Exception {
        String collection = spec.getName();
        CollectionPipeline pipeline = pipelines.ensure(collection);
        String flushId = UUID.randomUUID().toString();
        long start = System.nanoTime();
        control.send(collection, IntStream.range(0, spec.getChannels()).boxed().toList(), FlushBarrier.headers(flushId));
        long deadline = start + timeout.toNanos();
        while (true) {
            Set<Integer> done = channelsDone(pipeline, flushId);
            if (done.size() >= spec.getChannels()) {
                return new Outcome(flushId, spec.getChannels(), (System.nanoTime() - start) / 1_000_000);
            }
            if (System.nanoTime() > deadline) {
                Set<Integer> pending = new TreeSet<>();
                IntStream.range(0, spec.getChannels()).filter(c -> !done.contains(c)).forEach(pending::add);
                throw new FlushTimeoutException("flush " + flushId + " of " + collection + " not done within " + timeout.toMillis()
                        + " ms: channels " + pending + " still hold segments that are not flushed (see GET /collections/" + collection
                        + "/segments and the upload logs)", flushId, pending);
            }
            Thread.sleep(50);
        }
    }

    /** Channels of this instance done with {@code flushId}; with peers, of every instance. */
    public Set<Integer> channelsDone(CollectionPipeline pipeline, String flushId) {
        Set<Integer> done = new TreeSet<>(pipeline.flushes().channelsDone(flushId));
        for (HostInfo peer : pipeline.otherInstances()) {
            JsonNode remote = peers.get(peer, Peers.path("collections", pipeline.collection(), "flushes", flushId) + "?scope=local");
            remote.path("channels").forEach(channel -> done.add(channel.asInt()));
        }
        return done;
    }
}
