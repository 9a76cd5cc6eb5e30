package io.segflow.ingest;

/**
 * Runs a collection's bulk import jobs where its channel 0's task runs: Kafka Streams gives that
 * task to exactly one instance at a time and moves it on failure, so exactly one instance runs
 * the jobs, and the next owner resumes them.
 */
public interface ImportDriver {
    /** No imports: for pipelines and tests that have none. */
    ImportDriver NONE = new ImportDriver() {
        @Override
        public void drive(String collection, long nowMs) {
        }

        @Override
        public void release(String collection) {
        }
    };

    /** On each tick of channel 0's task: starts the jobs waiting to run, forgets expired ones. */
    void drive(String collection, long nowMs);

    /** Channel 0's task is closing here: its running jobs stop, to be resumed by the next owner. */
    void release(String collection);
}
