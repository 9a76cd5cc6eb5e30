package io.segflow.verify;

import io.segflow.read.Metric;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.function.DoublePredicate;
import java.util.Map;

/**
 * The live rows a DML stream leaves, by the position rule, in memory. Events of one key share a
 * channel and are applied in the order they were sent, which is their position order: a delete
 * removes every earlier row of its key, an upsert is a delete and an insert, an insert adds a row
 * even if the key has one. Rows whose event time is more than the TTL ago are not live.
 */
final class LiveModel {
    /** One row: its key, partition, vector, scalar and event time. */
    record Row(long pk, String partition, float[] vector, double price, long ts) {
    }

    /** One top-k hit. */
    record Hit(long pk, double distance) {
    }

    private final Map<Long, List<Row>> rows = new HashMap<>();
    private final long ttlMs;

    LiveModel(long ttlMs) {
        this.ttlMs = ttlMs;
    }

    void insert(Row row) {
        rows.computeIfAbsent(row.pk(), pk -> new ArrayList<>()).add(row);
    }

    void delete(long pk) {
        rows.remove(pk);
    }

    void upsert(Row row) {
        delete(row.pk());
        insert(row);
    }

    boolean hasKey(long pk) {
        return rows.containsKey(pk);
    }

    List<Row> get(long pk, long nowMs) {
        return rows.getOrDefault(pk, List.of()).stream().filter(row -> live(row, nowMs)).toList();
    }

    long count(long nowMs) {
        return rows.values().stream().flatMap(List::stream).filter(row -> live(row, nowMs)).count();
    }

    /** The top {@code k} live rows whose price meets {@code price}. */
    List<Hit> search(float[] query, int k, Metric metric, DoublePredicate price, long nowMs) {
        Comparator<Hit> byDistance = Comparator.comparingDouble(Hit::distance);
        return rows.values().stream().flatMap(List::stream).filter(row -> live(row, nowMs) && price.test(row.price()))
                .map(row -> new Hit(row.pk(), metric.distance(query, row.vector())))
                .sorted(metric == Metric.L2 ? byDistance : byDistance.reversed()).limit(k).toList();
    }

    private boolean live(Row row, long nowMs) {
        return ttlMs <= 0 || row.ts() + ttlMs > nowMs;
    }
}
