package io.segflow.catalog;

/** A change to a channel's catalog that its transition table forbids: a bug in the caller, never bad input. */
public final class IllegalSegmentChangeException extends IllegalStateException {
    public IllegalSegmentChangeException(String message) {
        super(message);
    }
}
