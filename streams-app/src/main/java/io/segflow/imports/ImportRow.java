package io.segflow.imports;

import java.util.Map;

/**
 * One row of an import file, converted to the collection's types.
 *
 * @param pk      Long or String, as the collection's primary key
 * @param vector  the collection's dimensions as little-endian float32, the insert log's form
 *                ({@link io.segflow.storage.InsertLogEncoder#vector(float[])})
 * @param scalars by field name; absent fields are null
 */
public record ImportRow(Object pk, byte[] vector, Map<String, Object> scalars) {
}
