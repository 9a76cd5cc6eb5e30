package io.segflow.imports;

import io.segflow.schema.CollectionSpec;
import io.segflow.storage.ObjectStorage;
import io.segflow.storage.StoredObject;

import java.util.List;

/** Opens an import file of the bucket with the reader of its format. */
public final class RowReaders {
    private RowReaders() {
    }

    /**
     * A reader of {@code path} (for NumPy, a folder) positioned at its first row, after the checks
     * its header allows: a file that cannot match the collection fails here, before any row is read.
     */
    public static RowReader open(ImportFormat format, CollectionSpec spec, ObjectStorage storage, String path) throws ImportFileException {
        RowValues values = new RowValues(spec);
        try {
            return switch (format) {
                case JSON -> {
                    JsonRows rows = new JsonRows(path, storage.open(path), values);
                    List<String> fields = rows.firstRowFields();
                    if (!fields.isEmpty()) {
                        try {
                            values.checkFields(path, fields);
                        } catch (ImportFileException e) {
                            rows.close();
                            throw e;
                        }
                    }
                    yield rows;
                }
                case CSV -> new CsvRows(path, storage.open(path), values);
                case NPY -> {
                    String folder = path.endsWith("/") ? path : path + "/";
                    List<String> objects = storage.list(folder).stream().map(StoredObject::path).sorted().toList();
                    if (objects.isEmpty()) {
                        throw new ImportFileException(path, -1, "no such folder in the bucket, or it is empty");
                    }
                    yield NpyRows.open(path, spec, objects, storage::open);
                }
                case PARQUET -> ParquetRows.open(path, spec, storage, values);
            };
        } catch (ImportFileException e) {
            throw e;
        } catch (Exception e) {
            throw new ImportFileException(path, -1, "cannot read it from the bucket: " + e.getMessage(), e);
        }
    }
}
