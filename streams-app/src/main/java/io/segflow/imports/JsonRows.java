package io.segflow.imports;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON import file, streamed with Jackson's parser: either Milvus's {@code {"rows": [...]}} or
 * one object per line. Only the current row is ever a tree in memory.
 */
final class JsonRows implements RowReader {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PEEK_BYTES = 1 << 20;

    private final String path;
    private final RowValues values;
    private final InputStream in;
    private final JsonParser parser;
    private final boolean wrapped;
    /** A row read ahead by {@link #firstRowFields}. */
    private JsonNode pending;
    private long row;

    JsonRows(String path, InputStream source, RowValues values) throws ImportFileException {
        this.path = path;
        this.values = values;
        this.in = new BufferedInputStream(source, 1 << 16);
        try {
            this.wrapped = wrapped(in);
            this.parser = JSON.getFactory().createParser(in);
            if (wrapped) {
                parser.nextToken();
                parser.nextToken();
                parser.nextToken();
            }
        } catch (IOException e) {
            close();
            throw new ImportFileException(path, -1, "not JSON: " + e.getMessage(), e);
        }
    }

    /** Whether the file starts {@code {"rows": [}: looked at through a mark, then the stream is back at its start. */
    private static boolean wrapped(InputStream in) throws IOException {
        in.mark(PEEK_BYTES);
        try (JsonParser peek = JSON.getFactory().copy().disable(JsonParser.Feature.AUTO_CLOSE_SOURCE).createParser(in)) {
            return peek.nextToken() == JsonToken.START_OBJECT && peek.nextToken() == JsonToken.FIELD_NAME
                    && "rows".equals(peek.currentName()) && peek.nextToken() == JsonToken.START_ARRAY;
        } finally {
            in.reset();
        }
    }

    /** The field names of the first row, for the check before any row is written. */
    List<String> firstRowFields() throws ImportFileException {
        JsonNode first = peekRow();
        List<String> names = new ArrayList<>();
        if (first != null) {
            first.fieldNames().forEachRemaining(names::add);
        }
        return names;
    }

    private JsonNode peekRow() throws ImportFileException {
        if (pending == null) {
            pending = readTree();
        }
        return pending;
    }

    private JsonNode readTree() throws ImportFileException {
        try {
            JsonToken token = parser.nextToken();
            if (token == null || (wrapped && token == JsonToken.END_ARRAY)) {
                return null;
            }
            if (token != JsonToken.START_OBJECT) {
                throw new ImportFileException(path, row + 1, "expected a JSON object, found " + token);
            }
            return parser.readValueAsTree();
        } catch (IOException e) {
            throw new ImportFileException(path, row + 1, "not valid JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public ImportRow next() throws ImportFileException {
        JsonNode node = pending != null ? pending : readTree();
        pending = null;
        if (node == null) {
            return null;
        }
        row++;
        return values.row(path, row, node);
    }

    @Override
    public long knownRows() {
        return -1;
    }

    @Override
    public void close() {
        try {
            if (parser != null) {
                parser.close();
            }
            in.close();
        } catch (IOException e) {
            // Nothing left to read.
        }
    }
}
