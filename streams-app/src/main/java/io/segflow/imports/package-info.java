/**
 * Bulk import: files already in the bucket (JSON, NumPy, Parquet, CSV) become a collection's
 * segments without passing through {@code C.dml}. A job takes a position in each channel (a
 * control record), routes its rows to channels by the producers' rule, writes them as Importing
 * segments at that position, and moves them to Flushed per channel when every file is written.
 */
package io.segflow.imports;
