package io.segflow.imports;

import io.segflow.schema.ImportJob;
import io.segflow.schema.ImportState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ImportJobsTest {
    private static final ImportRequest REQUEST = new ImportRequest(List.of("a.json", "b.json"), "json", null, "key-1");

    private static ImportJob pending() {
        return ImportJobs.pending("c", "id-1", REQUEST, 1_000);
    }

    @Test
    void aJobGoesFromPendingThroughImportingToCompletedCountingItsFilesRows() {
        ImportJob job = pending();
        assertThat(job.getState()).isEqualTo(ImportState.PENDING);
        assertThat(job.getPartition()).isEqualTo("_default");
        assertThat(job.getFiles()).extracting(f -> f.getState()).containsOnly(ImportState.PENDING);

        job = ImportJobs.started(job, Map.of(0, 17L, 1, 4L), 0, 2_000);
        assertThat(ImportJobs.positions(job)).isEqualTo(Map.of(0, 17L, 1, 4L));
        job = ImportJobs.progress(job, 0, 300, true, 3_000);
        job = ImportJobs.progress(job, 1, 50, false, 3_500);
        assertThat(job.getFiles()).extracting(f -> f.getState()).containsExactly(ImportState.COMPLETED, ImportState.IMPORTING);
        assertThat(ImportJobs.importedRows(job)).isEqualTo(350);
        assertThat(job.getTotalRows()).isEqualTo(350);

        job = ImportJobs.progress(job, 1, 120, true, 4_000);
        job = ImportJobs.completed(job, 5_000);
        assertThat(job.getState()).isEqualTo(ImportState.COMPLETED);
        assertThat(job.getTotalRows()).isEqualTo(420);
        assertThat(job.getUpdatedMs()).isEqualTo(5_000);
        assertThat(ImportJobs.finished(job)).isTrue();
    }

    @Test
    void knownRowsFromTheFilesHeadersAreTheTotalFromTheStart() {
        ImportJob job = ImportJobs.started(pending(), Map.of(0, 1L), 1_000, 2_000);
        job = ImportJobs.progress(job, 0, 100, false, 3_000);
        assertThat(job.getTotalRows()).isEqualTo(1_000);
    }

    @Test
    void aFailedJobNamesTheFileAndKeepsTheReason() {
        ImportJob job = ImportJobs.started(pending(), Map.of(0, 1L), 0, 2_000);
        job = ImportJobs.failed(job, 1, "b.json row 7: vector is not an array of 4 numbers", 3_000);
        assertThat(job.getState()).isEqualTo(ImportState.FAILED);
        assertThat(job.getReason()).contains("row 7");
        assertThat(job.getFiles().get(1).getState()).isEqualTo(ImportState.FAILED);
        assertThat(job.getFiles().get(1).getError()).contains("row 7");
        assertThat(job.getFiles().get(0).getState()).isEqualTo(ImportState.PENDING);
    }

    @Test
    void aPendingJobCanFailBeforeItStarts() {
        assertThat(ImportJobs.failed(pending(), -1, "collection gone", 2_000).getState()).isEqualTo(ImportState.FAILED);
    }

    @Test
    void aFinishedJobCannotMoveAgain() {
        ImportJob completed = ImportJobs.completed(ImportJobs.started(pending(), Map.of(0, 1L), 0, 2_000), 3_000);
        assertThatThrownBy(() -> ImportJobs.failed(completed, -1, "late", 4_000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("COMPLETED");
        assertThatThrownBy(() -> ImportJobs.progress(completed, 0, 1, false, 4_000)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> ImportJobs.completed(pending(), 4_000)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PENDING");
    }

    @Test
    void aReadVersionSupersedesUnlessItGoesBackToPendingOrTheKnownOneIsFinished() {
        ImportJob pending = pending();
        ImportJob importing = ImportJobs.started(pending, Map.of(0, 1L), 0, 2_000);
        ImportJob later = ImportJobs.progress(importing, 0, 5, false, 2_500);
        ImportJob completed = ImportJobs.completed(later, 3_000);
        assertThat(ImportJobs.supersedes(importing, pending)).isTrue();
        assertThat(ImportJobs.supersedes(later, importing)).isTrue();
        assertThat(ImportJobs.supersedes(pending, importing)).isFalse();
        assertThat(ImportJobs.supersedes(completed, later)).isTrue();
        assertThat(ImportJobs.supersedes(ImportJobs.failed(later, -1, "stale", 4_000), completed)).isFalse();
    }

    @Test
    void finishedJobsExpireAfterTheRetentionRunningOnesNever() {
        ImportJob importing = ImportJobs.started(pending(), Map.of(0, 1L), 0, 2_000);
        ImportJob completed = ImportJobs.completed(importing, 3_000);
        assertThat(ImportJobs.expired(completed, 3_000 + 999, 1_000)).isFalse();
        assertThat(ImportJobs.expired(completed, 3_000 + 1_000, 1_000)).isTrue();
        assertThat(ImportJobs.expired(importing, Long.MAX_VALUE, 1_000)).isFalse();
    }

    @Test
    void anIdempotencyKeyNamesOneJobPerCollection() {
        assertThat(ImportIds.jobId("c", "k")).isEqualTo(ImportIds.jobId("c", "k"));
        assertThat(ImportIds.jobId("c", "k")).isNotEqualTo(ImportIds.jobId("d", "k"));
        assertThat(ImportIds.jobId("c", null)).isNotEqualTo(ImportIds.jobId("c", null));
    }

    @Test
    void importedSegmentIdsAreDistinctPerPositionAndRankAndAboveEveryCountedId() {
        long first = ImportIds.segmentId(100, 0, 3);
        assertThat(first & 0xff).isEqualTo(3);
        assertThat(ImportIds.segmentId(100, 1, 3)).isNotEqualTo(first);
        assertThat(ImportIds.segmentId(101, 0, 3)).isNotEqualTo(first);
        assertThat(first >>> 8).isGreaterThanOrEqualTo(ImportIds.IMPORTED);
        assertThatThrownBy(() -> ImportIds.segmentId(100, 1 << ImportIds.RANK_BITS, 3)).isInstanceOf(IllegalArgumentException.class);
    }
}
