package io.segflow.read;

import io.segflow.schema.SegmentInfo;
import io.segflow.schema.dml.PrimaryKeys;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A search's partition and field filter: rules out whole segments by partition, by the segment's
 * primary-key range and, for L2 segments, by their range of the clustering key; tests the rows of
 * the others.
 */
final class RowFilter {
    private static final String PK = "pk";
    private static final Set<String> BOUNDS = Set.of("gt", "gte", "lt", "lte");

    private final String partition;
    private final Map<String, Object> conditions;
    private final String clusteringKey;

    RowFilter(String partition, Map<String, Object> conditions, String clusteringKey) {
        // Checked up front: a bad bound is the request's fault even when no row reaches it.
        conditions.forEach((field, condition) -> {
            if (condition instanceof Map<?, ?> bounds && !BOUNDS.containsAll(bounds.keySet())) {
                throw new IllegalArgumentException("the filter on " + field + " has an unknown bound in " + bounds.keySet() + " (gt, gte, lt, lte)");
            }
        });
        this.partition = partition;
        this.conditions = conditions;
        this.clusteringKey = clusteringKey;
    }

    RowFilter(String partition, Map<String, Object> conditions) {
        this(partition, conditions, null);
    }

    boolean hasConditions() {
        return !conditions.isEmpty();
    }

    /** False when no row of {@code segment} can match. */
    boolean mayMatch(SegmentInfo segment) {
        if (partition != null && !partition.equals(segment.getPartition())) {
            return false;
        }
        Object pk = conditions.get(PK);
        if (pk != null && segment.getMinPk() != null
                && !overlaps(pk, PrimaryKeys.plain(segment.getMinPk()), PrimaryKeys.plain(segment.getMaxPk()))) {
            return false;
        }
        Object clustered = clusteringKey == null ? null : conditions.get(clusteringKey);
        return clustered == null || segment.getClusteringMin() == null || segment.getClusteringMax() == null
                || overlaps(clustered, segment.getClusteringMin(), segment.getClusteringMax());
    }

    /** Whether the row with key {@code pk} and field values {@code fields} meets the conditions; its segment passed {@link #mayMatch}. */
    boolean matches(Object pk, Function<String, Object> fields) {
        for (Map.Entry<String, Object> condition : conditions.entrySet()) {
            Object value = condition.getKey().equals(PK) ? pk : fields.apply(condition.getKey());
            if (!matches(condition.getValue(), value)) {
                return false;
            }
        }
        return true;
    }

    /** Whether {@code value} meets {@code condition}. */
    private static boolean matches(Object condition, Object value) {
        if (value == null) {
            return false;
        }
        if (!(condition instanceof Map<?, ?> bounds)) {
            return compare(value, condition) == 0;
        }
        for (Map.Entry<?, ?> bound : bounds.entrySet()) {
            int order = compare(value, bound.getValue());
            boolean ok = switch (String.valueOf(bound.getKey())) {
                case "gt" -> order > 0;
                case "gte" -> order >= 0;
                case "lt" -> order < 0;
                case "lte" -> order <= 0;
                default -> throw new IllegalArgumentException("unknown bound " + bound.getKey() + " (gt, gte, lt, lte)");
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Whether some value in [min, max] can meet the condition. */
    private static boolean overlaps(Object condition, Object min, Object max) {
        if (!(condition instanceof Map<?, ?> bounds)) {
            return compare(condition, min) >= 0 && compare(condition, max) <= 0;
        }
        for (Map.Entry<?, ?> bound : bounds.entrySet()) {
            boolean possible = switch (String.valueOf(bound.getKey())) {
                case "gt" -> compare(max, bound.getValue()) > 0;
                case "gte" -> compare(max, bound.getValue()) >= 0;
                case "lt" -> compare(min, bound.getValue()) < 0;
                case "lte" -> compare(min, bound.getValue()) <= 0;
                default -> throw new IllegalArgumentException("unknown bound " + bound.getKey() + " (gt, gte, lt, lte)");
            };
            if (!possible) {
                return false;
            }
        }
        return true;
    }

    private static int compare(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof Boolean || b instanceof Boolean) {
            return Objects.equals(a, b) ? 0 : 1;
        }
        return String.valueOf(a).compareTo(String.valueOf(b));
    }
}
