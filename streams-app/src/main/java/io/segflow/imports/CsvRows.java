package io.segflow.imports;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.segflow.schema.dml.DmlSchemas;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;

/**
 * A CSV import file, streamed with Jackson's CSV parser: a header of field names, then one row
 * per line, the vector a JSON array in its cell (as Milvus writes it). An empty cell is null.
 */
final class CsvRows implements RowReader {
    private static final CsvMapper CSV = new CsvMapper();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String path;
    private final RowValues values;
    private final MappingIterator<Map<String, String>> lines;
    private final List<String> header;
    private long row;

    CsvRows(String path, InputStream in, RowValues values) throws ImportFileException {
        this.path = path;
        this.values = values;
        try {
            this.lines = CSV.readerForMapOf(String.class).with(CsvSchema.emptySchema().withHeader()).readValues(in);
            // The header is read with the first line: ask for it now, so a wrong header fails before any row.
            lines.hasNextValue();
            this.header = ((CsvSchema) lines.getParser().getSchema()).getColumnNames();
        } catch (IOException | RuntimeException e) {
            throw new ImportFileException(path, -1, "not CSV with a header: " + e.getMessage(), e);
        }
        values.checkFields(path, header);
    }

    @Override
    public ImportRow next() throws ImportFileException {
        try {
            if (!lines.hasNextValue()) {
                return null;
            }
            Map<String, String> cells = lines.nextValue();
            row++;
            ObjectNode node = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, String> cell : cells.entrySet()) {
                String text = cell.getValue();
                if (cell.getKey().equals(DmlSchemas.VECTOR)) {
                    node.set(cell.getKey(), vector(text));
                } else if (text == null || text.isEmpty()) {
                    node.putNull(cell.getKey());
                } else {
                    node.put(cell.getKey(), text);
                }
            }
            return values.row(path, row, node);
        } catch (IOException | RuntimeException e) {
            throw new ImportFileException(path, row + 1, "not a CSV line: " + e.getMessage(), e);
        }
    }

    private JsonNode vector(String text) throws ImportFileException {
        try {
            return JSON.readTree(text == null ? "" : text);
        } catch (JsonProcessingException e) {
            throw new ImportFileException(path, row, "vector cell is not a JSON array: " + e.getOriginalMessage(), e);
        }
    }

    @Override
    public long knownRows() {
        return -1;
    }

    @Override
    public void close() {
        try {
            lines.close();
        } catch (IOException e) {
            // Nothing left to read.
        }
    }
}
