package io.segflow.imports;

import java.util.Map;

/**
 * One row of an import file, converted to the collection's types.
 *
 * @param pk      Long or String, as the collection's primary key
 * @param scalars by field name; absent fields are null
 */
public record ImportRow(Object pk, float[] vector, Map<String, Object> scalars) {
}
