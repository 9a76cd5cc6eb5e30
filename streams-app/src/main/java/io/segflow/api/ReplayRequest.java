package io.segflow.api;

import io.segflow.collection.CollectionException;
import io.segflow.schema.serde.BadInputReason;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/** The body of {@code POST /collections/C/dlq/replay}: a reason (every replayable one if left out) and an offset to start from. */
public record ReplayRequest(String reason, Long fromOffset) {
    static final ReplayRequest ALL = new ReplayRequest(null, null);

    Set<BadInputReason> reasons() {
        if (reason == null) {
            return EnumSet.noneOf(BadInputReason.class);
        }
        return EnumSet.of(Arrays.stream(BadInputReason.values()).filter(r -> r.name().equalsIgnoreCase(reason)).findFirst()
                .orElseThrow(() -> new CollectionException(CollectionException.Kind.INVALID,
                        "reason must be one of " + Arrays.toString(BadInputReason.values()) + ", not " + reason)));
    }

    long from() {
        if (fromOffset != null && fromOffset < 0) {
            throw new CollectionException(CollectionException.Kind.INVALID, "fromOffset must not be negative");
        }
        return fromOffset == null ? 0 : fromOffset;
    }
}
