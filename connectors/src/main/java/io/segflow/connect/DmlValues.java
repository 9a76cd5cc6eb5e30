package io.segflow.connect;

import io.segflow.schema.dml.DmlSchemas;
import io.segflow.schema.dml.Vectors;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * A DML event as Connect data (a struct, or a map from a schemaless converter, with {@code op},
 * {@code pk}, {@code partition}, {@code vector} and scalar fields by name, as
 * {@link DebeziumToDml} makes them) written as a record of the collection's DML schema. Scalars
 * the collection has are taken and widened to its types; fields it does not have are ignored;
 * a value that does not fit its field's type is refused.
 */
final class DmlValues {
    private DmlValues() {
    }

    static GenericRecord toAvro(org.apache.avro.Schema dml, Object value) {
        GenericData.Record record = new GenericData.Record(dml);
        for (org.apache.avro.Schema.Field field : dml.getFields()) {
            Object given = field(value, field.name());
            switch (field.name()) {
                case DmlSchemas.OP -> record.put(field.pos(), op(field.schema(), given));
                case DmlSchemas.PK -> record.put(field.pos(), required(field, given));
                case DmlSchemas.PARTITION -> record.put(field.pos(), given == null ? DmlSchemas.DEFAULT_PARTITION : given.toString());
                case DmlSchemas.VECTOR -> record.put(field.pos(), vector(given));
                default -> record.put(field.pos(), given == null ? null : scalar(field, nonNull(field.schema()), given));
            }
        }
        return record;
    }

    private static Object field(Object value, String name) {
        if (value instanceof Struct struct) {
            return struct.schema().field(name) == null ? null : struct.get(name);
        }
        if (value instanceof Map<?, ?> map) {
            return map.get(name);
        }
        throw new DataException("a DML value is a struct or a map, not " + (value == null ? "null" : value.getClass().getName()));
    }

    private static GenericData.EnumSymbol op(org.apache.avro.Schema schema, Object given) {
        if (given == null || !schema.hasEnumSymbol(given.toString())) {
            throw new DataException("op must be one of " + schema.getEnumSymbols() + ", not " + given);
        }
        return new GenericData.EnumSymbol(schema, given.toString());
    }

    private static Object required(org.apache.avro.Schema.Field field, Object given) {
        if (given == null) {
            throw new DataException("a DML value needs its " + field.name());
        }
        return scalar(field, field.schema(), given);
    }

    private static ByteBuffer vector(Object given) {
        if (given == null) {
            return null;
        }
        if (given instanceof byte[] bytes) {
            return ByteBuffer.wrap(bytes);
        }
        if (given instanceof ByteBuffer bytes) {
            return bytes;
        }
        if (given instanceof List<?> values) {
            float[] floats = new float[values.size()];
            for (int i = 0; i < floats.length; i++) {
                if (!(values.get(i) instanceof Number number)) {
                    throw new DataException("vector element " + i + " is " + values.get(i) + ", not a number");
                }
                floats[i] = number.floatValue();
            }
            return Vectors.toBytes(floats);
        }
        throw new DataException("a vector is a list of numbers or little-endian float32 bytes, not " + given.getClass().getName());
    }

    private static Object scalar(org.apache.avro.Schema.Field field, org.apache.avro.Schema type, Object given) {
        Object converted = switch (type.getType()) {
            case BOOLEAN -> given instanceof Boolean ? given : null;
            case INT -> given instanceof Number n && n.longValue() == (int) n.longValue() && isIntegral(n) ? n.intValue() : null;
            case LONG -> given instanceof Number n && isIntegral(n) ? n.longValue() : null;
            case FLOAT -> given instanceof Number n ? n.floatValue() : null;
            case DOUBLE -> given instanceof Number n ? n.doubleValue() : null;
            case STRING -> given instanceof CharSequence || given instanceof Number || given instanceof Boolean ? given.toString() : null;
            default -> null;
        };
        if (converted == null) {
            throw new DataException("field " + field.name() + " is " + type.getType() + " in the collection; cannot take "
                    + given.getClass().getSimpleName() + " " + given);
        }
        return converted;
    }

    private static boolean isIntegral(Number n) {
        return n instanceof Long || n instanceof Integer || n instanceof Short || n instanceof Byte;
    }

    private static org.apache.avro.Schema nonNull(org.apache.avro.Schema schema) {
        return schema.getType() != org.apache.avro.Schema.Type.UNION ? schema
                : schema.getTypes().stream().filter(t -> t.getType() != org.apache.avro.Schema.Type.NULL).findFirst().orElseThrow();
    }
}
