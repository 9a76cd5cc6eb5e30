package io.segflow.imports;

/** A file of an import that does not match the collection, or cannot be read: names the file and, where known, the row. */
public final class ImportFileException extends Exception {
    private final String path;

    public ImportFileException(String path, long row, String problem) {
        this(path, row, problem, null);
    }

    public ImportFileException(String path, long row, String problem, Throwable cause) {
        super(path + (row >= 0 ? " row " + row : "") + ": " + problem, cause);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
