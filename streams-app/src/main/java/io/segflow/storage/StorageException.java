package io.segflow.storage;

/** Object storage did not do what was asked; the message names the bucket and endpoint. */
public final class StorageException extends RuntimeException {
    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
