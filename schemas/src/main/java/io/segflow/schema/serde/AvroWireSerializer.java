package io.segflow.schema.serde;

import io.segflow.schema.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes Avro records (generic or generated) in the Confluent wire format, with the schema
 * registered under {@code <topic>-value} or {@code <topic>-key} (TopicNameStrategy).
 */
public class AvroWireSerializer<T extends IndexedRecord> implements Serializer<T> {
    private SchemaRegistryClient registry;
    private boolean autoRegister = true;
    private boolean isKey;
    private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();
    /** The last record's size: records of a topic are alike, and a buffer that fits is not copied as it grows. */
    private volatile int sizeHint = 256;

    /** For Kafka to instantiate by class name; {@link #configure} supplies the registry. */
    public AvroWireSerializer() {
    }

    public AvroWireSerializer(SchemaRegistryClient registry, boolean autoRegister) {
        this.registry = registry;
        this.autoRegister = autoRegister;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        this.autoRegister = SerdeConfig.flag(configs, SerdeConfig.AUTO_REGISTER_SCHEMAS, true);
        if (registry == null) {
            registry = SerdeConfig.client(configs);
        }
    }

    @Override
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null;
        }
        Schema schema = record.getSchema();
        String subject = topic + (isKey ? "-key" : "-value");
        int id = autoRegister ? registry.register(subject, schema)
                : registry.lookup(subject, schema).orElseThrow(() -> new SerializationException(
                        "schema " + schema.getFullName() + " is not registered under subject " + subject
                                + " and " + SerdeConfig.AUTO_REGISTER_SCHEMAS + " is false")).id();
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
        WireFormat.writeHeader(out, id);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            writers.computeIfAbsent(schema, s -> new GenericDatumWriter<>(s,
                    record instanceof SpecificRecord ? SpecificData.get() : GenericData.get())).write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationException("cannot encode a " + schema.getFullName() + " for topic " + topic + ": " + e.getMessage(), e);
        }
        sizeHint = out.size();
        return out.toByteArray();
    }
}
