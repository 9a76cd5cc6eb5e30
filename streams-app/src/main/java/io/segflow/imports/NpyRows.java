package io.segflow.imports;

import io.segflow.schema.CollectionSpec;
import io.segflow.schema.PkType;
import io.segflow.schema.ScalarType;
import io.segflow.schema.dml.DmlSchemas;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * A NumPy import: a folder holding one {@code <field>.npy} per field, as Milvus takes it: the
 * vector a 2-D float array of {@code dim} columns, scalars and the pk 1-D arrays (strings as
 * NumPy unicode or bytes). Every array is read in step, a row at a time; their shapes and dtypes
 * are checked against the collection when the folder is opened.
 */
final class NpyRows implements RowReader {
    private final String folder;
    private final NpyArray pk;
    private final NpyArray vector;
    private final Map<String, NpyArray> scalars;
    private final Map<String, ScalarType> types;
    private final PkType pkType;
    private final long rows;
    private long row;

    private NpyRows(String folder, CollectionSpec spec, Map<String, NpyArray> arrays) throws ImportFileException {
        this.folder = folder;
        this.pkType = spec.getPkType();
        this.types = new HashMap<>();
        spec.getFields().forEach(field -> types.put(field.getName(), field.getType()));
        this.pk = arrays.remove(DmlSchemas.PK);
        this.vector = arrays.remove(DmlSchemas.VECTOR);
        this.scalars = arrays;
        if (pk == null || vector == null) {
            throw new ImportFileException(folder, -1, "no " + (pk == null ? DmlSchemas.PK : DmlSchemas.VECTOR) + ".npy in the folder");
        }
        check(file(DmlSchemas.PK), pk, 1, pkType == PkType.INT64 ? "iu" : "US", pkType == PkType.INT64 ? "int64" : "string");
        check(file(DmlSchemas.VECTOR), vector, 2, "f", "float32");
        if (vector.width() != spec.getDim()) {
            throw new ImportFileException(file(DmlSchemas.VECTOR), -1, "vectors of " + vector.width() + " dimensions; the collection's have "
                    + spec.getDim());
        }
        for (Map.Entry<String, NpyArray> scalar : scalars.entrySet()) {
            ScalarType type = types.get(scalar.getKey());
            if (type == null) {
                throw new ImportFileException(file(scalar.getKey()), -1, "field '" + scalar.getKey() + "' is not in collection "
                        + spec.getName());
            }
            check(file(scalar.getKey()), scalar.getValue(), 1, kinds(type), type.name());
        }
        this.rows = pk.rows();
        for (Map.Entry<String, NpyArray> array : all().entrySet()) {
            if (array.getValue().rows() != rows) {
                throw new ImportFileException(file(array.getKey()), -1, array.getValue().rows() + " rows; " + file(DmlSchemas.PK)
                        + " has " + rows);
            }
        }
    }

    /**
     * Opens every {@code .npy} of {@code folder}.
     *
     * @param open the stream of an object in the bucket
     */
    static NpyRows open(String folder, CollectionSpec spec, Iterable<String> objects, Function<String, java.io.InputStream> open)
            throws ImportFileException {
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        try {
            for (String object : objects) {
                String name = object.substring(object.lastIndexOf('/') + 1);
                if (name.endsWith(".npy")) {
                    arrays.put(name.substring(0, name.length() - ".npy".length()), NpyArray.open(object, open.apply(object)));
                }
            }
            return new NpyRows(folder, spec, new LinkedHashMap<>(arrays));
        } catch (ImportFileException | RuntimeException e) {
            arrays.values().forEach(NpyArray::close);
            throw e;
        }
    }

    private String file(String field) {
        return folder + (folder.endsWith("/") ? "" : "/") + field + ".npy";
    }

    private static String kinds(ScalarType type) {
        return switch (type) {
            case BOOL -> "b";
            case INT32, INT64 -> "iu";
            case FLOAT, DOUBLE -> "f";
            case VARCHAR -> "US";
        };
    }

    private static void check(String path, NpyArray array, int dimensions, String kinds, String wanted) throws ImportFileException {
        if (array.dimensions() != dimensions || kinds.indexOf(array.kind()) < 0) {
            throw new ImportFileException(path, -1, "a " + array.dimensions() + "-D array of " + array.dtype() + "; the field needs a "
                    + dimensions + "-D array of " + wanted);
        }
    }

    private Map<String, NpyArray> all() {
        Map<String, NpyArray> all = new LinkedHashMap<>(scalars);
        all.put(DmlSchemas.PK, pk);
        all.put(DmlSchemas.VECTOR, vector);
        return all;
    }

    @Override
    public ImportRow next() throws ImportFileException {
        if (row == rows) {
            return null;
        }
        row++;
        ByteBuffer pkRow = pk.nextRow(row);
        Object key = pkType == PkType.INT64 ? (Object) pk.integer(pkRow, 0) : pk.text(pkRow);
        byte[] values = vector.float32LittleEndian(vector.nextRow(row));
        Map<String, Object> fields = new HashMap<>();
        for (Map.Entry<String, NpyArray> scalar : scalars.entrySet()) {
            NpyArray array = scalar.getValue();
            ByteBuffer cell = array.nextRow(row);
            fields.put(scalar.getKey(), switch (types.get(scalar.getKey())) {
                case BOOL -> array.integer(cell, 0) != 0;
                case INT32 -> (int) array.integer(cell, 0);
                case INT64 -> array.integer(cell, 0);
                case FLOAT -> (float) array.number(cell, 0);
                case DOUBLE -> array.number(cell, 0);
                case VARCHAR -> array.text(cell);
            });
        }
        return new ImportRow(key, values, fields);
    }

    @Override
    public long knownRows() {
        return rows;
    }

    @Override
    public void close() {
        all().values().forEach(NpyArray::close);
    }
}
