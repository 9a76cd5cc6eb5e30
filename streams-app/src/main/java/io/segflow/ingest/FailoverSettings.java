package io.segflow.ingest;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.streams.StreamsConfig;

import java.util.Properties;

/**
 * How a collection's channels move between instances: Kafka Streams' standby replicas and
 * warm-up, under their Streams names. A standby keeps a copy of a channel's changelogged stores
 * (segment metadata, the L0 buffer, counters, compaction state) on another instance, so a
 * failover restores little; the row store is rebuilt from {@code C.dml} either way.
 */
public record FailoverSettings(int standbyReplicas, long acceptableRecoveryLag, long probingRebalanceIntervalMs) {
    public static final String STANDBY_REPLICAS = StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG;
    public static final String ACCEPTABLE_RECOVERY_LAG = StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG;
    public static final String PROBING_REBALANCE_INTERVAL_MS = StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG;

    public static ConfigDef define(ConfigDef def) {
        return def
                .define(STANDBY_REPLICAS, Type.INT, 1, Range.atLeast(0), Importance.MEDIUM,
                        "Standby copies of each channel's changelogged stores on other instances. One by default: with a single"
                                + " instance Streams places none (a standby never shares an instance with its active task), and once a"
                                + " second instance is up a halted one's channels resume without restoring their stores from the"
                                + " changelogs. 0 saves the second copy's disk and network.")
                .define(ACCEPTABLE_RECOVERY_LAG, Type.LONG, 10_000L, Range.atLeast(0), Importance.LOW,
                        "Changelog records a copy may lag and still take a channel over at once; a channel whose copies all lag more"
                                + " stays where it is while a warm-up copy catches up (Streams' default).")
                .define(PROBING_REBALANCE_INTERVAL_MS, Type.LONG, 600_000L, Range.atLeast(60_000), Importance.LOW,
                        "How often Streams checks whether warm-up copies have caught up and moves their channels (Streams' default).");
    }

    public static FailoverSettings from(AbstractConfig config) {
        return new FailoverSettings(config.getInt(STANDBY_REPLICAS), config.getLong(ACCEPTABLE_RECOVERY_LAG),
                config.getLong(PROBING_REBALANCE_INTERVAL_MS));
    }

    void applyTo(Properties streams) {
        streams.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
        streams.put(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG, acceptableRecoveryLag);
        streams.put(StreamsConfig.PROBING_REBALANCE_INTERVAL_MS_CONFIG, probingRebalanceIntervalMs);
    }
}
