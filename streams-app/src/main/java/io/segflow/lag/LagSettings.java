package io.segflow.lag;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

/** How the lag of a collection's channels is sampled and judged. */
public record LagSettings(long sampleIntervalMs, int windowSamples) {
    public static final String SAMPLE_INTERVAL_MS = "lag.sample.interval.ms";
    public static final String WINDOW_SAMPLES = "lag.window.samples";

    public static ConfigDef define(ConfigDef def) {
        return def
                .define(SAMPLE_INTERVAL_MS, Type.LONG, 5_000L, Range.atLeast(100), Importance.LOW,
                        "How often each instance samples the committed and last stable offsets of every channel of C.dml.")
                .define(WINDOW_SAMPLES, Type.INT, 10, Range.atLeast(2), Importance.LOW,
                        "Samples in the sliding window a channel's lag status is judged over (Burrow's rules).");
    }

    public static LagSettings from(AbstractConfig config) {
        return new LagSettings(config.getLong(SAMPLE_INTERVAL_MS), config.getInt(WINDOW_SAMPLES));
    }
}
