package io.segflow.read;

import java.util.Map;

/**
 * A top-k search: the query vector, k, the metric (default L2), an optional partition and an
 * optional filter on scalar fields or {@code pk}: each entry an exact value, or an object of
 * bounds {@code gt}, {@code gte}, {@code lt}, {@code lte}.
 */
public record SearchRequest(float[] vector, Integer k, Metric metric, String partition, Map<String, Object> filter) {
    /** The largest k a search takes, Milvus's cap on topk. */
    public static final int MAX_K = 16_384;

    public int topK() {
        return k == null ? 10 : k;
    }

    public Metric metricOrDefault() {
        return metric == null ? Metric.L2 : metric;
    }

    public Map<String, Object> filterOrEmpty() {
        return filter == null ? Map.of() : filter;
    }
}
