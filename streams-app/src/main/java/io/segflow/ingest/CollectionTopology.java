package io.segflow.ingest;

import io.segflow.collection.CollectionTopics;
import io.segflow.compaction.CompactionStream;
import io.segflow.schema.CompactionEntry;
import io.segflow.schema.CompactionResult;
import io.segflow.schema.CompactionTask;
import io.segflow.schema.SegmentInfo;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.schema.serde.AvroSerdes;
import io.segflow.segment.RowStore;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;

import java.util.Optional;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Builds the topologies of a collection's two applications, both partitioned by channel; the
 * pipelines and the topology tests call the same methods. {@link #ingest}: the channel task
 * (sources {@code C.dml} and {@code C.compaction-results}); {@link #compactor}: the compaction
 * stream (source {@code C.compaction-tasks}).
 */
public final class CollectionTopology {
    private static final String SOURCE = "dml";
    private static final String RESULTS_SOURCE = "compaction-results";
    private static final String PROCESSOR = "ingest";
    private static final String TASKS_SOURCE = "compaction-tasks";
    private static final String COMPACTION = "compaction";
    private static final String RESULTS_OUT = "results-out";

    private CollectionTopology() {
    }

    public static Topology ingest(IngestContext ingest) {
        String collection = ingest.collection();
        Serde<SegmentInfo> segmentSerde = AvroSerdes.specific(ingest.registry(), SegmentInfo.class);
        Serde<CompactionTask> taskSerde = AvroSerdes.specific(ingest.registry(), CompactionTask.class);
        Serde<CompactionResult> resultSerde = AvroSerdes.specific(ingest.registry(), CompactionResult.class);
        Serde<CompactionEntry> entrySerde = AvroSerdes.specific(ingest.registry(), CompactionEntry.class);
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), ChannelInput.dml(), CollectionTopics.dml(collection));
        // Results jump the queue: Kafka Streams takes the buffered record with the lowest timestamp
        // first, and a result held behind older DML would keep its channel's backlog counted (and a
        // channel slowed by that backlog would take the DML slowly before getting to it).
        topology.addSource((AutoOffsetReset) null, RESULTS_SOURCE, (record, partitionTime) -> 0L, Serdes.ByteArray().deserializer(),
                ChannelInput.results(resultSerde.deserializer()), CollectionTopics.compactionResults(collection));
        topology.addProcessor(PROCESSOR, () -> new ChannelTask(ingest), SOURCE, RESULTS_SOURCE);
        topology.addStateStore(RowStore.builder(IngestStores.ROWS, ingest.settings().rowsMemtableBytes()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IngestStores.L0),
                Serdes.Long(), Serdes.ByteArray()).withCachingDisabled(), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IngestStores.SEGMENTS),
                Serdes.Long(), segmentSerde), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IngestStores.META),
                Serdes.String(), Serdes.Long()), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IngestStores.COMPACTIONS),
                Serdes.String(), entrySerde), PROCESSOR);
        topology.addSink(ChannelTask.SEGMENTS_OUT, CollectionTopics.segments(collection),
                anything(Serdes.Long().serializer()), anything(segmentSerde.serializer()), PROCESSOR);
        topology.addSink(ChannelTask.DLQ_OUT, CollectionTopics.dlq(collection),
                anything(Serdes.ByteArray().serializer()), anything(Serdes.ByteArray().serializer()), PROCESSOR);
        topology.addSink(ChannelTask.TASKS_OUT, CollectionTopics.compactionTasks(collection),
                anything(Serdes.String().serializer()), anything(taskSerde.serializer()),
                CollectionTopology.<Object, Object>toChannel(task -> ((CompactionTask) task).getChannel()), PROCESSOR);

        return topology;
    }

    public static Topology compactor(String collection, SchemaRegistryClient registry, CompactionStream.Context stream) {
        Serde<CompactionTask> taskSerde = AvroSerdes.specific(registry, CompactionTask.class);
        Serde<CompactionResult> resultSerde = AvroSerdes.specific(registry, CompactionResult.class);
        Serde<CompactionEntry> entrySerde = AvroSerdes.specific(registry, CompactionEntry.class);
        Topology topology = new Topology();
        topology.addSource(TASKS_SOURCE, Serdes.String().deserializer(), taskSerde.deserializer(), CollectionTopics.compactionTasks(collection));
        topology.addProcessor(COMPACTION, () -> new CompactionStream(stream), TASKS_SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CompactionStream.QUEUE),
                Serdes.String(), entrySerde), COMPACTION);
        topology.addSink(RESULTS_OUT, CollectionTopics.compactionResults(collection), Serdes.String().serializer(),
                resultSerde.serializer(), toChannel((CompactionResult result) -> result.getChannel()), COMPACTION);
        return topology;
    }

    /** Tasks and results go to the partition of their channel, whatever their key hashes to. */
    private static <K, V> StreamPartitioner<K, V> toChannel(ToIntFunction<V> channel) {
        return (topic, key, value, partitions) -> Optional.of(Set.of(channel.applyAsInt(value)));
    }

    /** The processor forwards Objects to sinks of different types; each sink gets only its own. */
    @SuppressWarnings("unchecked")
    private static Serializer<Object> anything(Serializer<?> serializer) {
        return (Serializer<Object>) serializer;
    }
}
