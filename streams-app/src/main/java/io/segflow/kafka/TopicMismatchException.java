package io.segflow.kafka;

/** A topic that exists but not in the shape asked for. */
public final class TopicMismatchException extends RuntimeException {
    public TopicMismatchException(String message) {
        super(message);
    }
}
