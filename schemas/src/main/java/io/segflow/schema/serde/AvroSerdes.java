package io.segflow.schema.serde;

import io.segflow.schema.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Wire-format serdes for topic values, sharing one registry client. */
public final class AvroSerdes {
    private AvroSerdes() {
    }

    /** A serde of a generated type: the value of C.segments, C.compaction-tasks and the like. */
    public static <T extends SpecificRecord> Serde<T> specific(SchemaRegistryClient registry, Class<T> type) {
        return Serdes.serdeFrom(new AvroWireSerializer<>(registry, true), AvroWireDeserializer.specific(registry, type));
    }

    /** A serde of generic records read in {@code readerSchema}'s shape: the DML value of a collection. */
    public static Serde<GenericRecord> generic(SchemaRegistryClient registry, Schema readerSchema) {
        return Serdes.serdeFrom(new AvroWireSerializer<>(registry, true), AvroWireDeserializer.generic(registry, readerSchema));
    }
}
