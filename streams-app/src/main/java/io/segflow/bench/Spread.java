package io.segflow.bench;

import com.google.common.math.Quantiles;

import java.util.Arrays;

/** The median and the range of a figure over a benchmark's measured rounds. */
record Spread(double median, double min, double max) {
    static Spread of(double[] values) {
        return new Spread(Quantiles.median().compute(values), Arrays.stream(values).min().orElse(0), Arrays.stream(values).max().orElse(0));
    }
}
