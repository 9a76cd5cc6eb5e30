package io.segflow.schema.dml;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.DmlOp;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.schema.serde.AvroWireDeserializer;
import io.segflow.schema.serde.BadInputReason;
import io.segflow.schema.serde.NotWireFormatException;
import io.segflow.schema.serde.RecordSource;
import io.segflow.schema.serde.UndecodableRecordException;
import io.segflow.schema.serde.WireFormat;
import org.apache.avro.generic.GenericRecord;

import java.nio.ByteBuffer;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Turns a raw {@code C.dml} record into a {@link DmlEvent}, enforcing the collection's rules: a
 * key that is the plain primary key, a non-empty pk, a known partition, and on INSERT/UPSERT a
 * vector of exactly 4 x dim bytes. Anything else raises a typed
 * {@link io.segflow.schema.serde.BadInputException} naming topic, partition and offset.
 *
 * <p>A record written with the collection's current schema (the common case) is checked in place
 * by {@link DmlBytes}, every field and no trailing byte, and decoded into a GenericRecord only if
 * {@link DmlEvent#record()} is asked for; others go through Avro schema resolution.
 */
public final class DmlDecoder {
    private final CollectionSpec spec;
    private final AvroWireDeserializer<GenericRecord> values;
    private final Set<String> partitions;
    private final int vectorBytes;

    private final DmlBytes bytes;

    public DmlDecoder(CollectionSpec spec, SchemaRegistryClient registry) {
        this.spec = spec;
        this.values = AvroWireDeserializer.generic(registry, DmlSchemas.forCollection(spec));
        this.partitions = Set.copyOf(spec.getPartitions());
        this.vectorBytes = spec.getDim() * Float.BYTES;
        this.bytes = new DmlBytes(spec);
    }

    public DmlEvent decode(RecordSource source, byte[] key, byte[] value) {
        if (value == null) {
            throw new NotWireFormatException(source, "a DML record needs a value, not a tombstone");
        }
        int schemaId = WireFormat.readSchemaId(ByteBuffer.wrap(value), source);
        if (schemaId == spec.getDmlSchemaId() && schemaId > 0) {
            DmlBytes.Parsed parsed = bytes.parse(source, value);
            return validated(source, key, parsed.op(), parsed.pk(), parsed.partition(), parsed.vector(), () -> read(source, value, schemaId));
        }
        GenericRecord record = read(source, value, schemaId);
        DmlOp op = DmlOp.valueOf(record.get(DmlSchemas.OP).toString());
        Object pk = PrimaryKeys.plain(record.get(DmlSchemas.PK));
        String partition = record.get(DmlSchemas.PARTITION).toString();
        ByteBuffer vector = (ByteBuffer) record.get(DmlSchemas.VECTOR);
        return validated(source, key, op, pk, partition, vector, () -> record);
    }

    private DmlEvent validated(RecordSource source, byte[] key, DmlOp op, Object pk, String partition, ByteBuffer vector,
                               Supplier<GenericRecord> record) {
        if (key == null) {
            throw new InvalidDmlException(BadInputReason.MISSING_PK, source, op + " has no record key; keys of "
                    + DmlSchemas.dmlTopic(spec.getName()) + " are the primary key");
        }
        if (pk instanceof String text && text.isEmpty()) {
            throw new InvalidDmlException(BadInputReason.MISSING_PK, source, op + " has an empty primary key");
        }
        if (!PrimaryKeys.matches(key, pk)) {
            throw new InvalidDmlException(BadInputReason.KEY_MISMATCH, source,
                    "record key is not the plain encoding of primary key " + pk);
        }
        if (!partitions.contains(partition)) {
            throw new InvalidDmlException(BadInputReason.UNKNOWN_PARTITION, source,
                    "collection " + spec.getName() + " has no partition '" + partition + "'");
        }
        if (op == DmlOp.DELETE) {
            return new DmlEvent(op, pk, partition, null, source, record);
        }
        if (vector == null) {
            throw new InvalidDmlException(BadInputReason.MISSING_VECTOR, source, op + " of pk " + pk + " has no vector");
        }
        if (vector.remaining() != vectorBytes) {
            throw new InvalidDmlException(BadInputReason.WRONG_VECTOR_LENGTH, source, op + " of pk " + pk + " has a vector of "
                    + vector.remaining() + " bytes; dim " + spec.getDim() + " takes " + vectorBytes);
        }
        return new DmlEvent(op, pk, partition, vector, source, record);
    }

    /**
     * {@link #decode}, then the rule of a record read from {@code C.dml}: it is in the channel its
     * key hashes to, or a read by key and the deletes of a correctly partitioned producer would
     * miss it.
     */
    public DmlEvent decodeInChannel(RecordSource source, byte[] key, byte[] value) {
        DmlEvent event = decode(source, key, value);
        int expected = PrimaryKeys.channel(key, spec.getChannels());
        if (source.partition() != expected) {
            throw new WrongChannelException(source, expected, "pk " + event.pk() + " hashes (murmur2) to channel " + expected
                    + " of " + spec.getChannels() + ", not " + source.partition()
                    + "; librdkafka-based producers must set partitioner=murmur2_random");
        }
        return event;
    }

    private GenericRecord read(RecordSource source, byte[] value, int schemaId) {
        try {
            return values.decode(source, value);
        } catch (UndecodableRecordException e) {
            // A writer schema without pk fails resolution; say so in the collection's own terms.
            if (values.writerSchema(source, schemaId).getField(DmlSchemas.PK) == null) {
                throw new InvalidDmlException(BadInputReason.MISSING_PK, source,
                        "writer schema id " + schemaId + " has no field " + DmlSchemas.PK);
            }
            throw e;
        }
    }
}
