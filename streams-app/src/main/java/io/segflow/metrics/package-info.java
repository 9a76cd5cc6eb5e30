/** Micrometer meters of the pipeline, served as Prometheus text on {@code GET /metrics}. */
package io.segflow.metrics;
