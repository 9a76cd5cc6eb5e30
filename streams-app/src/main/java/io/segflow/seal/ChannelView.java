package io.segflow.seal;

import java.util.List;

/** An immutable view of one channel's growing segments and pending deletes at time {@code nowMs}. */
public record ChannelView(int channel, List<SegmentView> growing, List<L0Batch> l0, long nowMs) {
    public ChannelView {
        growing = List.copyOf(growing);
        l0 = List.copyOf(l0);
    }
}
