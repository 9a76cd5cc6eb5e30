package io.segflow.schema.registry;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

import java.util.ArrayList;
import java.util.List;

/**
 * The Schema Registry's compatibility levels. BACKWARD means a consumer on the new schema reads
 * data written with the previous one; FORWARD the reverse; FULL both; the transitive variants
 * check against every earlier version instead of only the latest.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean newReadsOld;
    private final boolean oldReadsNew;
    private final boolean transitive;

    CompatibilityLevel(boolean newReadsOld, boolean oldReadsNew, boolean transitive) {
        this.newReadsOld = newReadsOld;
        this.oldReadsNew = oldReadsNew;
        this.transitive = transitive;
    }

    /**
     * Why {@code candidate} may not follow {@code existing} (oldest first) under this level;
     * empty when it may.
     */
    public List<String> incompatibilities(Schema candidate, List<Schema> existing) {
        List<String> problems = new ArrayList<>();
        if (existing.isEmpty()) {
            return problems;
        }
        List<Schema> against = transitive ? existing : List.of(existing.get(existing.size() - 1));
        for (Schema earlier : against) {
            if (newReadsOld) {
                problems.addAll(describe(candidate, earlier, "new schema cannot read data written with an earlier version"));
            }
            if (oldReadsNew) {
                problems.addAll(describe(earlier, candidate, "an earlier version cannot read data written with the new schema"));
            }
        }
        return problems;
    }

    private static List<String> describe(Schema reader, Schema writer, String what) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult().getIncompatibilities().stream()
                .map(i -> what + ": " + i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
                .toList();
    }
}
