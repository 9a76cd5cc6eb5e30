package io.segflow.ingest;

import io.segflow.collection.CollectionTopics;
import io.segflow.schema.SegmentInfo;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** Builds the ingest topology of a collection; the app and the topology tests both call {@link #build}. */
public final class IngestTopology {
    private static final String SOURCE = "dml";
    private static final String PROCESSOR = "ingest";

    private IngestTopology() {
    }

    public static Topology build(IngestContext ingest, Serde<SegmentInfo> segmentSerde) {
        String collection = ingest.collection();
        Topology topology = new Topology();
        topology.addSource(SOURCE, Serdes.ByteArray().deserializer(), Serdes.ByteArray().deserializer(), CollectionTopics.dml(collection));
        topology.addProcessor(PROCESSOR, () -> new ChannelProcessor(ingest), SOURCE);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IngestStores.ROWS),
                Serdes.Bytes(), Serdes.ByteArray()).withCachingDisabled().withLoggingDisabled(), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IngestStores.L0),
                Serdes.Long(), Serdes.ByteArray()).withCachingDisabled(), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IngestStores.SEGMENTS),
                Serdes.Long(), segmentSerde), PROCESSOR);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(IngestStores.META),
                Serdes.String(), Serdes.Long()), PROCESSOR);
        topology.addSink(ChannelProcessor.SEGMENTS_OUT, CollectionTopics.segments(collection),
                anything(Serdes.Long().serializer()), anything(segmentSerde.serializer()), PROCESSOR);
        topology.addSink(ChannelProcessor.DLQ_OUT, CollectionTopics.dlq(collection),
                anything(Serdes.ByteArray().serializer()), anything(Serdes.ByteArray().serializer()), PROCESSOR);
        return topology;
    }

    /** The processor forwards Objects to sinks of different types; each sink gets only its own. */
    @SuppressWarnings("unchecked")
    private static Serializer<Object> anything(Serializer<?> serializer) {
        return (Serializer<Object>) serializer;
    }
}
