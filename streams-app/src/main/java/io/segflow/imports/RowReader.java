package io.segflow.imports;

/** The rows of one import file (or, for NumPy, one folder), streamed: at most a row's worth held at a time. */
public interface RowReader extends AutoCloseable {
    /** The next row, or null after the last. */
    ImportRow next() throws ImportFileException;

    /** How many rows the file holds, if its header says (NumPy, Parquet), or -1. */
    long knownRows();

    @Override
    void close();
}
