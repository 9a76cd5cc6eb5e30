package io.segflow.connect;

import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Avro data as Connect data, for any topic Segflow writes in the wire format ({@code C.dml},
 * {@code C.segments}, {@code C.compaction-results}): records become structs named after the
 * record, enums strings, bytes and fixed byte arrays, {@code ["null", T]} an optional T, and a
 * union of several types a struct {@value #UNION} with one optional field per branch, named
 * after the branch's type, of which exactly one is set.
 */
final class AvroConnectData {
    static final String UNION = "io.segflow.connect.Union";

    private final Map<org.apache.avro.Schema, Schema> schemas = new ConcurrentHashMap<>();

    /** The Connect schema of {@code avro}, built once per Avro schema. */
    Schema schema(org.apache.avro.Schema avro) {
        return schemas.computeIfAbsent(avro, a -> builder(a).build());
    }

    /** The Connect value of an Avro datum of schema {@code avro}. */
    Object value(org.apache.avro.Schema avro, Object datum) {
        return value(avro, schema(avro), datum);
    }

    private static SchemaBuilder builder(org.apache.avro.Schema avro) {
        return switch (avro.getType()) {
            case BOOLEAN -> SchemaBuilder.bool();
            case INT -> SchemaBuilder.int32();
            case LONG -> SchemaBuilder.int64();
            case FLOAT -> SchemaBuilder.float32();
            case DOUBLE -> SchemaBuilder.float64();
            case STRING, ENUM -> SchemaBuilder.string();
            case BYTES, FIXED -> SchemaBuilder.bytes();
            case ARRAY -> SchemaBuilder.array(builder(avro.getElementType()).build());
            case MAP -> SchemaBuilder.map(Schema.STRING_SCHEMA, builder(avro.getValueType()).build());
            case RECORD -> {
                SchemaBuilder struct = SchemaBuilder.struct().name(avro.getFullName());
                avro.getFields().forEach(field -> struct.field(field.name(), builder(field.schema()).build()));
                yield struct;
            }
            case UNION -> union(avro);
            case NULL -> throw new DataException("an Avro null outside a union has no Connect schema");
        };
    }

    private static SchemaBuilder union(org.apache.avro.Schema avro) {
        List<org.apache.avro.Schema> branches = avro.getTypes().stream().filter(b -> b.getType() != org.apache.avro.Schema.Type.NULL).toList();
        if (branches.size() == 1) {
            return builder(branches.get(0)).optional();
        }
        SchemaBuilder struct = SchemaBuilder.struct().name(UNION).optional();
        branches.forEach(branch -> struct.field(branchName(branch), builder(branch).optional().build()));
        return struct;
    }

    private static String branchName(org.apache.avro.Schema branch) {
        return branch.getType() == org.apache.avro.Schema.Type.RECORD || branch.getType() == org.apache.avro.Schema.Type.ENUM
                || branch.getType() == org.apache.avro.Schema.Type.FIXED ? branch.getFullName() : branch.getType().getName();
    }

    private static Object value(org.apache.avro.Schema avro, Schema connect, Object datum) {
        if (datum == null) {
            return null;
        }
        return switch (avro.getType()) {
            case BOOLEAN, INT, LONG, FLOAT, DOUBLE -> datum;
            case STRING, ENUM -> datum.toString();
            case BYTES -> bytes((ByteBuffer) datum);
            case FIXED -> ((GenericFixed) datum).bytes().clone();
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (Object element : (Iterable<?>) datum) {
                    list.add(value(avro.getElementType(), connect.valueSchema(), element));
                }
                yield list;
            }
            case MAP -> {
                Map<String, Object> map = new LinkedHashMap<>();
                ((Map<?, ?>) datum).forEach((k, v) -> map.put(k.toString(), value(avro.getValueType(), connect.valueSchema(), v)));
                yield map;
            }
            case RECORD -> {
                GenericRecord record = (GenericRecord) datum;
                Struct struct = new Struct(connect);
                for (org.apache.avro.Schema.Field field : avro.getFields()) {
                    struct.put(field.name(), value(field.schema(), connect.field(field.name()).schema(), record.get(field.pos())));
                }
                yield struct;
            }
            case UNION -> {
                org.apache.avro.Schema branch = avro.getTypes().get(GenericData.get().resolveUnion(avro, datum));
                if (!UNION.equals(connect.name())) {
                    yield value(branch, connect, datum);
                }
                Struct struct = new Struct(connect);
                String name = branchName(branch);
                yield struct.put(name, value(branch, connect.field(name).schema(), datum));
            }
            case NULL -> null;
        };
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        return bytes;
    }
}
