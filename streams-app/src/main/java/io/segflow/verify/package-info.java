/**
 * The seeded oracle: a workload of inserts, upserts, deletes and expiries checked against a model
 * of the live rows, through the HTTP API, while instances are killed by failpoints.
 */
package io.segflow.verify;
