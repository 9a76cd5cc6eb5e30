package io.segflow.compaction;

import io.segflow.schema.CompactionType;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Which tasks may not run at once: two that share a segment; an L0 delete and any other rewrite
 * on the same channel (the L0 one would miss the rows being rewritten, the other the deletes
 * being moved); a clustering and any other rewrite of the same partition of the channel.
 */
final class Exclusion {
    private Exclusion() {
    }

    static boolean conflict(CompactionPlan a, CompactionPlan b) {
        if (sharesSegment(a, b)) {
            return true;
        }
        if (a.channel() != b.channel()) {
            return false;
        }
        boolean aL0 = a.type() == CompactionType.L0_DELETE;
        boolean bL0 = b.type() == CompactionType.L0_DELETE;
        if (aL0 || bL0) {
            return true;
        }
        boolean clustering = a.type() == CompactionType.CLUSTERING || b.type() == CompactionType.CLUSTERING;
        return clustering && Objects.equals(a.partition(), b.partition());
    }

    private static boolean sharesSegment(CompactionPlan a, CompactionPlan b) {
        Set<Long> segments = new HashSet<>(a.inputs());
        segments.addAll(a.targets());
        return b.inputs().stream().anyMatch(segments::contains) || b.targets().stream().anyMatch(segments::contains);
    }
}
