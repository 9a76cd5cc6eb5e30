package io.segflow.read;

/**
 * Vector similarity metrics, as Milvus defines them: L2 is the squared Euclidean distance (smaller
 * is closer), IP the inner product and COSINE the cosine similarity (larger is closer).
 */
public enum Metric {
    L2 {
        @Override
        public double distance(float[] query, float[] vectors, int offset) {
            double sum = 0;
            for (int i = 0; i < query.length; i++) {
                double d = query[i] - vectors[offset + i];
                sum += d * d;
            }
            return sum;
        }
    },
    IP {
        @Override
        public double distance(float[] query, float[] vectors, int offset) {
            return dot(query, vectors, offset);
        }
    },
    COSINE {
        @Override
        public double distance(float[] query, float[] vectors, int offset) {
            double norms = Math.sqrt(dot(query, query, 0) * dot(vectors, offset, query.length));
            return norms == 0 ? 0 : dot(query, vectors, offset) / norms;
        }
    };

    /** The distance between {@code query} and the vector at {@code offset} of {@code vectors}, of the query's length. */
    public abstract double distance(float[] query, float[] vectors, int offset);

    public double distance(float[] a, float[] b) {
        return distance(a, b, 0);
    }

    /** Whether {@code x} is a better match than {@code y}. */
    public boolean closer(double x, double y) {
        return this == L2 ? x < y : x > y;
    }

    private static double dot(float[] a, float[] b, int offset) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[offset + i];
        }
        return sum;
    }

    private static double dot(float[] vectors, int offset, int length) {
        double sum = 0;
        for (int i = offset; i < offset + length; i++) {
            sum += (double) vectors[i] * vectors[i];
        }
        return sum;
    }
}
