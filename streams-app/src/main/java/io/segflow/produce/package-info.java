/**
 * Synthetic DML for a collection: a seeded workload of inserts, deletes and upserts (pure, so a
 * seed replays the same events) and the producer that writes it to {@code C.dml}.
 */
package io.segflow.produce;
