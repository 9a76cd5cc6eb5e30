package io.segflow.imports;

import com.fasterxml.jackson.databind.JsonNode;
import io.segflow.schema.CollectionSpec;
import io.segflow.schema.FieldSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.dml.DmlSchemas;
import io.segflow.storage.InsertLogEncoder;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Converts a row given as JSON (a JSON file's object, or a CSV line whose cells are text) to the
 * collection's types, by field name: {@code pk}, {@code vector} (an array of {@code dim} numbers)
 * and the scalar fields. A missing pk or vector, a wrong type or length, or an unknown field is
 * an {@link ImportFileException} naming the field.
 */
final class RowValues {
    private final CollectionSpec spec;
    private final Map<String, ScalarType> scalars = new HashMap<>();

    RowValues(CollectionSpec spec) {
        this.spec = spec;
        for (FieldSpec field : spec.getFields()) {
            scalars.put(field.getName(), field.getType());
        }
    }

    /** Fails unless {@code names} (a header, or a first row's fields) hold the pk and the vector and nothing unknown. */
    void checkFields(String path, Iterable<String> names) throws ImportFileException {
        Set<String> seen = new LinkedHashSet<>();
        for (String name : names) {
            if (!name.equals(DmlSchemas.PK) && !name.equals(DmlSchemas.VECTOR) && !scalars.containsKey(name)) {
                throw new ImportFileException(path, -1, "field '" + name + "' is not in collection " + spec.getName()
                        + " (fields: pk, vector" + (scalars.isEmpty() ? "" : ", " + String.join(", ", scalars.keySet())) + ")");
            }
            seen.add(name);
        }
        for (String required : new String[] {DmlSchemas.PK, DmlSchemas.VECTOR}) {
            if (!seen.contains(required)) {
                throw new ImportFileException(path, -1, "no '" + required + "' field");
            }
        }
    }

    ImportRow row(String path, long row, JsonNode node) throws ImportFileException {
        if (node == null || !node.isObject()) {
            throw new ImportFileException(path, row, "not a JSON object");
        }
        Map<String, Object> values = new HashMap<>();
        Object pk = null;
        float[] vector = null;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (name.equals(DmlSchemas.PK)) {
                pk = pk(path, row, value);
            } else if (name.equals(DmlSchemas.VECTOR)) {
                vector = vector(path, row, value);
            } else if (scalars.containsKey(name)) {
                values.put(name, value.isNull() ? null : scalar(path, row, name, scalars.get(name), value));
            } else {
                throw new ImportFileException(path, row, "field '" + name + "' is not in collection " + spec.getName());
            }
        }
        if (pk == null) {
            throw new ImportFileException(path, row, "no 'pk'");
        }
        if (vector == null) {
            throw new ImportFileException(path, row, "no 'vector'");
        }
        return new ImportRow(pk, InsertLogEncoder.vector(vector), values);
    }

    /**
     * A row read as Java values (Parquet): pk a Long, Integer or string; scalars numbers, booleans
     * or strings, converted to their fields' types.
     */
    ImportRow typed(String path, long row, Object pk, float[] vector, Map<String, Object> fields) throws ImportFileException {
        Object key;
        if (spec.getPkType() == PkType.INT64) {
            if (!(pk instanceof Long || pk instanceof Integer)) {
                throw new ImportFileException(path, row, "pk " + pk + " is not an int64");
            }
            key = ((Number) pk).longValue();
        } else {
            if (!(pk instanceof CharSequence text) || text.length() == 0) {
                throw new ImportFileException(path, row, "pk " + pk + " is not a non-empty string");
            }
            key = text.toString();
        }
        if (vector == null || vector.length != spec.getDim()) {
            throw new ImportFileException(path, row, "vector is not " + spec.getDim() + " numbers"
                    + (vector == null ? "" : " (it has " + vector.length + ")"));
        }
        Map<String, Object> converted = new HashMap<>();
        for (Map.Entry<String, Object> field : fields.entrySet()) {
            ScalarType type = scalars.get(field.getKey());
            if (type == null) {
                throw new ImportFileException(path, row, "field '" + field.getKey() + "' is not in collection " + spec.getName());
            }
            converted.put(field.getKey(), field.getValue() == null ? null : typed(path, row, field.getKey(), type, field.getValue()));
        }
        return new ImportRow(key, InsertLogEncoder.vector(vector), converted);
    }

    private static Object typed(String path, long row, String name, ScalarType type, Object value) throws ImportFileException {
        Object converted = switch (type) {
            case BOOL -> value instanceof Boolean ? value : null;
            case INT32 -> value instanceof Integer ? value : null;
            case INT64 -> value instanceof Long || value instanceof Integer ? ((Number) value).longValue() : null;
            case FLOAT -> value instanceof Float || value instanceof Double ? ((Number) value).floatValue() : null;
            case DOUBLE -> value instanceof Number number ? number.doubleValue() : null;
            case VARCHAR -> value instanceof CharSequence text ? text.toString() : null;
        };
        if (converted == null) {
            throw new ImportFileException(path, row, "field '" + name + "' is " + value + ", not a " + type);
        }
        return converted;
    }

    Object pk(String path, long row, JsonNode value) throws ImportFileException {
        if (spec.getPkType() == PkType.INT64) {
            if (value.canConvertToExactIntegral() && value.canConvertToLong()) {
                return value.asLong();
            }
            if (value.isTextual()) {
                try {
                    return Long.parseLong(value.asText().trim());
                } catch (NumberFormatException e) {
                    // Reported below.
                }
            }
            throw new ImportFileException(path, row, "pk " + value + " is not an int64");
        }
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new ImportFileException(path, row, "pk " + value + " is not a non-empty string");
        }
        return value.asText();
    }

    float[] vector(String path, long row, JsonNode value) throws ImportFileException {
        if (!value.isArray() || value.size() != spec.getDim()) {
            throw new ImportFileException(path, row, "vector is not an array of " + spec.getDim() + " numbers"
                    + (value.isArray() ? " (it has " + value.size() + ")" : ""));
        }
        float[] vector = new float[value.size()];
        for (int i = 0; i < vector.length; i++) {
            JsonNode element = value.get(i);
            if (!element.isNumber()) {
                throw new ImportFileException(path, row, "vector element " + i + " is " + element + ", not a number");
            }
            vector[i] = element.floatValue();
        }
        return vector;
    }

    private static Object scalar(String path, long row, String name, ScalarType type, JsonNode value) throws ImportFileException {
        String text = value.asText();
        try {
            return switch (type) {
                case BOOL -> {
                    if (value.isBoolean()) {
                        yield value.booleanValue();
                    }
                    if (text.equalsIgnoreCase("true") || text.equalsIgnoreCase("false")) {
                        yield Boolean.parseBoolean(text);
                    }
                    throw new NumberFormatException();
                }
                case INT32 -> value.isNumber() && value.canConvertToInt() && value.canConvertToExactIntegral() ? value.intValue()
                        : Integer.parseInt(requireText(value));
                case INT64 -> value.isNumber() && value.canConvertToLong() && value.canConvertToExactIntegral() ? value.longValue()
                        : Long.parseLong(requireText(value));
                case FLOAT -> value.isNumber() ? value.floatValue() : Float.parseFloat(requireText(value));
                case DOUBLE -> value.isNumber() ? value.doubleValue() : Double.parseDouble(requireText(value));
                case VARCHAR -> {
                    if (!value.isValueNode()) {
                        throw new NumberFormatException();
                    }
                    yield text;
                }
            };
        } catch (NumberFormatException e) {
            throw new ImportFileException(path, row, "field '" + name + "' is " + value + ", not a " + type);
        }
    }

    private static String requireText(JsonNode value) {
        if (!value.isTextual()) {
            throw new NumberFormatException();
        }
        return value.asText().trim();
    }
}
