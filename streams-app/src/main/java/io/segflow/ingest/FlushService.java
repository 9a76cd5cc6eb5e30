package io.segflow.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.segflow.catalog.Peers;
import io.segflow.collection.CollectionTopics;
import io.segflow.http.HttpError;
import io.segflow.schema.CollectionSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.state.HostInfo;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

/**
 * Milvus's {@code flush()}: writes a flush barrier into every channel of {@code C.dml}, then waits
 * until every channel, on whichever instance holds it, has flushed everything before its barrier.
 */
public final class FlushService implements AutoCloseable {
    private final IngestPipelines pipelines;
    private final Peers peers;
    private final KafkaProducer<byte[], byte[]> producer;

    /** What a completed flush reports. */
    public record Outcome(String flushId, int channels, long waitedMs) {
    }

    public FlushService(IngestPipelines pipelines, Peers peers, Map<String, Object> clientConfig) {
        this.pipelines = pipelines;
        this.peers = peers;
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    public Outcome flush(CollectionSpec spec, Duration timeout) throws Exception {
        String collection = spec.getName();
        IngestPipeline pipeline = pipelines.ensure(collection);
        String flushId = UUID.randomUUID().toString();
        long start = System.nanoTime();
        List<Future<?>> sent = IntStream.range(0, spec.getChannels()).<Future<?>>mapToObj(channel -> producer.send(
                new ProducerRecord<>(CollectionTopics.dml(collection), channel, null, null, null, FlushBarrier.headers(flushId)))).toList();
        for (Future<?> send : sent) {
            send.get();
        }
        long deadline = start + timeout.toNanos();
        while (true) {
            Set<Integer> done = channelsDone(pipeline, flushId);
            if (done.size() >= spec.getChannels()) {
                return new Outcome(flushId, spec.getChannels(), (System.nanoTime() - start) / 1_000_000);
            }
            if (System.nanoTime() > deadline) {
                Set<Integer> pending = new TreeSet<>();
                IntStream.range(0, spec.getChannels()).filter(c -> !done.contains(c)).forEach(pending::add);
                throw new HttpError(504, Map.of("error", "flush " + flushId + " of " + collection + " not done within " + timeout.toMillis()
                        + " ms: channels " + pending + " still hold segments that are not flushed (see GET /collections/" + collection
                        + "/segments and the upload logs)", "flushId", flushId, "channelsPending", pending));
            }
            Thread.sleep(50);
        }
    }

    /** Channels of this instance done with {@code flushId}; with peers, of every instance. */
    public Set<Integer> channelsDone(IngestPipeline pipeline, String flushId) {
        Set<Integer> done = new TreeSet<>(pipeline.flushes().channelsDone(flushId));
        for (HostInfo peer : pipeline.otherInstances()) {
            JsonNode remote = peers.get(peer, "/collections/" + pipeline.collection() + "/flushes/" + flushId + "?scope=local");
            remote.path("channels").forEach(channel -> done.add(channel.asInt()));
        }
        return done;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
