package io.segflow.schema.serde;

import io.segflow.schema.GeneratedTypes;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.schema.registry.SchemaRegistryException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads Confluent wire-format records: the writer schema comes from the Schema Registry by id
 * and is resolved to the reader schema (Avro schema resolution), so data written with an older
 * or newer compatible schema reads as the reader's shape. Without a reader schema the writer's
 * own is used.
 *
 * <p>Bad bytes raise a {@link BadInputException}; a Schema Registry that cannot be reached
 * raises {@link SchemaRegistryException}, which is not the record's fault and must be retried.
 */
public class AvroWireDeserializer<T> implements Deserializer<T> {
    private SchemaRegistryClient registry;
    private Schema readerSchema;
    private boolean specific;
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

    /** For Kafka to instantiate by class name; {@link #configure} supplies the registry. */
    public AvroWireDeserializer() {
    }

    private AvroWireDeserializer(SchemaRegistryClient registry, Schema readerSchema, boolean specific) {
        this.registry = registry;
        this.readerSchema = readerSchema;
        this.specific = specific;
    }

    /** Generic records in {@code readerSchema}'s shape, or the writer's when it is null. */
    public static AvroWireDeserializer<GenericRecord> generic(SchemaRegistryClient registry, Schema readerSchema) {
        return new AvroWireDeserializer<>(registry, readerSchema, false);
    }

    /** Instances of a generated class. */
    public static <T extends SpecificRecord> AvroWireDeserializer<T> specific(SchemaRegistryClient registry, Class<T> type) {
        GeneratedTypes.trust();
        return new AvroWireDeserializer<>(registry, SpecificData.get().getSchema(type), true);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        specific = SerdeConfig.flag(configs, SerdeConfig.SPECIFIC_AVRO_READER, specific);
        if (registry == null) {
            registry = SerdeConfig.client(configs);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return decode(RecordSource.ofTopic(topic), data);
    }

    /** Decodes {@code data}, naming {@code source} in any error. */
    public T decode(RecordSource source, byte[] data) {
        if (data == null) {
            return null;
        }
        ByteBuffer buffer = ByteBuffer.wrap(data);
        int schemaId = WireFormat.readSchemaId(buffer, source);
        DatumReader<T> reader = readers.get(schemaId);
        if (reader == null) {
            reader = readerFor(writerSchema(source, schemaId));
            readers.put(schemaId, reader);
        }
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, buffer.position(), buffer.remaining(), null);
        try {
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new UndecodableRecordException(source, "bytes left over after the record written with schema id " + schemaId, null);
            }
            return value;
        } catch (IOException | RuntimeException e) {
            if (e instanceof BadInputException bad) {
                throw bad;
            }
            throw new UndecodableRecordException(source, "cannot decode the Avro body written with schema id " + schemaId
                    + (readerSchema == null ? "" : " as " + readerSchema.getFullName()) + ": " + e.getMessage(), e);
        }
    }

    /** The writer schema of {@code schemaId}, or {@link UnknownSchemaIdException} if the registry has none. */
    public Schema writerSchema(RecordSource source, int schemaId) {
        try {
            return registry.schemaById(schemaId);
        } catch (SchemaRegistryException e) {
            if (e.isNotFound()) {
                throw new UnknownSchemaIdException(source, schemaId, e);
            }
            throw e;
        }
    }

    private DatumReader<T> readerFor(Schema writer) {
        Schema reader = readerSchema == null ? writer : readerSchema;
        if (specific) {
            return new SpecificDatumReader<>(writer, reader);
        }
        return new GenericDatumReader<>(writer, reader, GenericData.get());
    }
}
