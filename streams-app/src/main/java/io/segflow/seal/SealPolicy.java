package io.segflow.seal;

import java.util.List;

/** Chooses growing segments to seal; pure. */
@FunctionalInterface
public interface SealPolicy {
    /** The segments of {@code view.growing()} to seal, each with this policy's reason. */
    List<SealDecision> decide(ChannelView view);
}
