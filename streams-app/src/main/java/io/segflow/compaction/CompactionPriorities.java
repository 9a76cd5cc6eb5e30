package io.segflow.compaction;

import io.segflow.schema.CompactionType;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;

import java.util.EnumMap;
import java.util.Map;

/**
 * The order queued rewrites start in, lower first, per compaction type ({@code compaction.priority.<type>}).
 * Two priorities are not configurable, and every configured one comes after them: an L0 delete
 * ({@link #L0}) and a rewrite whose reclaim deadline nears ({@link #URGENT}). So however the
 * others are set, deletes are never starved: the scheduler starts an L0 delete before any other
 * task, and one that must wait holds back the other rewrites of its channel.
 */
public record CompactionPriorities(Map<CompactionType, Integer> byType) {
    public static final int L0 = 1;
    public static final int URGENT = 5;
    /** The lowest (first) priority a setting may give. */
    public static final int MIN_CONFIGURED = 10;
    public static final String PREFIX = "compaction.priority.";

    /** The configurable types, their setting's suffix and default. */
    private enum Setting {
        MIX(CompactionType.MIX, "mix", 10),
        SINGLE(CompactionType.SINGLE, "single", 10),
        SCHEMA_BUMP(CompactionType.SCHEMA_BUMP, "schema.bump", 10),
        FORCE_MERGE(CompactionType.FORCE_MERGE, "force.merge", 10),
        CLUSTERING(CompactionType.CLUSTERING, "clustering", 100),
        SORT(CompactionType.SORT, "sort", 1000);

        final CompactionType type;
        final String name;
        final int defaultPriority;

        Setting(CompactionType type, String suffix, int defaultPriority) {
            this.type = type;
            this.name = PREFIX + suffix;
            this.defaultPriority = defaultPriority;
        }
    }

    public static final CompactionPriorities DEFAULTS = new CompactionPriorities(defaults());

    public CompactionPriorities {
        byType = Map.copyOf(byType);
        for (Setting setting : Setting.values()) {
            Integer priority = byType.get(setting.type);
            if (priority == null || priority < MIN_CONFIGURED) {
                throw new IllegalArgumentException(setting.name + " must be at least " + MIN_CONFIGURED + ", not " + priority);
            }
        }
    }

    private static Map<CompactionType, Integer> defaults() {
        Map<CompactionType, Integer> priorities = new EnumMap<>(CompactionType.class);
        for (Setting setting : Setting.values()) {
            priorities.put(setting.type, setting.defaultPriority);
        }
        return priorities;
    }

    public static ConfigDef define(ConfigDef def) {
        for (Setting setting : Setting.values()) {
            def.define(setting.name, Type.INT, setting.defaultPriority, Range.atLeast(MIN_CONFIGURED), Importance.LOW,
                    "Priority of queued " + setting.type + " rewrites, lower first; at least " + MIN_CONFIGURED + ", after L0 deletes ("
                            + L0 + ") and rewrites whose reclaim deadline nears (" + URGENT + "), which are not configurable.");
        }
        return def;
    }

    public static CompactionPriorities from(AbstractConfig config) {
        Map<CompactionType, Integer> priorities = new EnumMap<>(CompactionType.class);
        for (Setting setting : Setting.values()) {
            priorities.put(setting.type, config.getInt(setting.name));
        }
        return new CompactionPriorities(priorities);
    }

    /** The priority of a plan of {@code type}: L0's for an L0 delete, the configured one for the rest. */
    public int of(CompactionType type) {
        return type == CompactionType.L0_DELETE ? L0 : byType.get(type);
    }
}
