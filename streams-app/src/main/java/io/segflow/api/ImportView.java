package io.segflow.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.segflow.imports.ImportJobs;
import io.segflow.schema.ImportFile;
import io.segflow.schema.ImportJob;

import java.util.List;

/**
 * An import job as {@code GET /collections/C/imports/ID} shows it. {@code reason} and a file's
 * {@code error} appear only on failure.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImportView(String importId, String collection, String state, long importedRows, long totalRows, String format,
                         String partition, String idempotencyKey, List<FileView> files, String reason, long createdMs, long updatedMs) {
    /** One file (or NumPy folder) of the job. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record FileView(String path, long rows, String state, String error) {
        static FileView of(ImportFile file) {
            return new FileView(file.getPath(), file.getRows(), file.getState().name(), file.getError());
        }
    }

    public static ImportView of(ImportJob job) {
        return new ImportView(job.getImportId(), job.getCollection(), job.getState().name(), ImportJobs.importedRows(job), job.getTotalRows(),
                job.getFormat(), job.getPartition(), job.getIdempotencyKey(), job.getFiles().stream().map(FileView::of).toList(),
                job.getReason(), job.getCreatedMs(), job.getUpdatedMs());
    }
}
