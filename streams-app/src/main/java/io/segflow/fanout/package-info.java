/**
 * Answers that span the instances of a collection's application: each instance answers for the
 * channels it holds (Kafka Streams interactive queries) and asks the others for theirs. The
 * segment listing ({@link io.segflow.fanout.CollectionSegments}) and manual compactions
 * ({@link io.segflow.fanout.Compactions}: submit, dry run, status).
 */
package io.segflow.fanout;
