/**
 * The infrastructure {@code segflow run} starts in its own JVM when no external one is
 * configured: a single-node KRaft Kafka broker and an S3-compatible server on a local folder.
 * Both are the real servers (Kafka's own broker, S3Proxy), not mocks; the embedded Schema
 * Registry lives in {@link io.segflow.registry}.
 */
package io.segflow.embedded;
