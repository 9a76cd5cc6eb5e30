package io.segflow.collection;

/** A collection request that cannot be carried out, and why, in HTTP terms. */
public final class CollectionException extends RuntimeException {
    /** What went wrong; each maps to one HTTP status. */
    public enum Kind {
        INVALID(400), NOT_FOUND(404), CONFLICT(409),
        /** The collection exists but this instance's role does not serve the request (a compactor asked for data). */
        NOT_SERVED(503);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Kind kind;

    public CollectionException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
