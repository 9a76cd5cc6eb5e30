/**
 * Benchmarks run as commands ({@code segflow bench ...}): each prints its figures next to the
 * raw limit measured in the same run, so the ratio is honest.
 */
package io.segflow.bench;
