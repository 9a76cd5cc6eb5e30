/**
 * The segment catalog as the HTTP API serves it: each instance answers for the channels it holds
 * (Kafka Streams interactive queries on the segments store) and asks the other instances of the
 * collection's application for theirs.
 */
package io.segflow.catalog;
