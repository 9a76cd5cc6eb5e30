package io.segflow.storage;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.registry.SchemaRegistryClient;
import io.segflow.schema.serde.AvroCursor;
import io.segflow.schema.serde.AvroWireDeserializer;
import io.segflow.schema.serde.RecordSource;
import io.segflow.schema.serde.WireFormat;
import io.segflow.segment.StoredRow;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/**
 * Turns a stored DML value into the Avro binary of an insert-log row. A row written with the
 * collection's current DML schema is transcoded byte for byte: the insert-log row is the DML
 * value with {@code op} and {@code partition} dropped, {@code position} and {@code ts} added and
 * the vector's union index removed, while pk, vector bytes and scalars keep their encoding. A row
 * written with another schema is decoded, resolved to the current one and encoded.
 */
final class InsertLogRows {
    private final Schema rowSchema;
    private final PkType pkType;
    private final int currentSchemaId;
    private final AvroWireDeserializer<GenericRecord> dml;
    private final RecordEncoder resolved;
    private final int[] source;
    private final String topic;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(1024);

    InsertLogRows(CollectionSpec spec, SchemaRegistryClient registry) {
        Schema dmlSchema = DmlSchemas.forCollection(spec);
        this.rowSchema = DmlSchemas.insertLog(spec);
        this.pkType = spec.getPkType();
        this.currentSchemaId = spec.getDmlSchemaId();
        this.dml = AvroWireDeserializer.generic(registry, dmlSchema);
        this.resolved = new RecordEncoder(rowSchema);
        // Row field i comes from DML field source[i] (-1: position and ts, from the stored row).
        this.source = rowSchema.getFields().stream()
                .mapToInt(f -> dmlSchema.getField(f.name()) == null ? -1 : dmlSchema.getField(f.name()).pos()).toArray();
        this.topic = DmlSchemas.dmlTopic(spec.getName());
    }

    Schema schema() {
        return rowSchema;
    }

    /** The row's Avro binary in the insert-log schema. */
    ByteBuffer encode(StoredRow row, int channel) {
        byte[] value = row.dmlValue();
        int schemaId = WireFormat.readSchemaId(ByteBuffer.wrap(value), new RecordSource(topic, channel, row.position()));
        if (schemaId == currentSchemaId && currentSchemaId > 0) {
            ByteBuffer fast = transcode(row, value);
            if (fast != null) {
                return fast;
            }
        }
        return reencode(row, channel);
    }

    private ByteBuffer transcode(StoredRow row, byte[] value) {
        AvroCursor in = new AvroCursor(value, WireFormat.HEADER_BYTES);
        in.readLong();
        int pkStart = in.position();
        if (pkType == PkType.INT64) {
            in.readLong();
        } else {
            in.skipBytes();
        }
        int pkEnd = in.position();
        in.skipBytes();
        if (in.readLong() != 1) {
            return null;
        }
        int vectorStart = in.position();
        in.skipBytes();
        int vectorEnd = in.position();
        out.reset();
        AvroCursor.writeLong(out, row.position());
        out.write(value, pkStart, pkEnd - pkStart);
        AvroCursor.writeLong(out, row.timestamp());
        out.write(value, vectorStart, vectorEnd - vectorStart);
        out.write(value, vectorEnd, value.length - vectorEnd);
        return ByteBuffer.wrap(out.toByteArray());
    }

    private ByteBuffer reencode(StoredRow row, int channel) {
        GenericRecord value = dml.decode(new RecordSource(topic, channel, row.position()), row.dmlValue());
        GenericRecord record = new GenericData.Record(rowSchema);
        for (int i = 0; i < source.length; i++) {
            if (source[i] >= 0) {
                record.put(i, value.get(source[i]));
            }
        }
        record.put(DmlSchemas.POSITION, row.position());
        record.put(DmlSchemas.TS, row.timestamp());
        return ByteBuffer.wrap(resolved.encode(record));
    }
}
