package io.segflow.read;

/**
 * Vector similarity metrics, as Milvus defines them: L2 is the squared Euclidean distance (smaller
 * is closer), IP the inner product and COSINE the cosine similarity (larger is closer).
 */
public enum Metric {
    L2 {
        @Override
        public double distance(float[] a, float[] b) {
            double sum = 0;
            for (int i = 0; i < a.length; i++) {
                double d = a[i] - b[i];
                sum += d * d;
            }
            return sum;
        }
    },
    IP {
        @Override
        public double distance(float[] a, float[] b) {
            return dot(a, b);
        }
    },
    COSINE {
        @Override
        public double distance(float[] a, float[] b) {
            double norms = Math.sqrt(dot(a, a) * dot(b, b));
            return norms == 0 ? 0 : dot(a, b) / norms;
        }
    };

    public abstract double distance(float[] a, float[] b);

    /** Whether {@code x} is a better match than {@code y}. */
    public boolean closer(double x, double y) {
        return this == L2 ? x < y : x > y;
    }

    private static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (double) a[i] * b[i];
        }
        return sum;
    }
}
