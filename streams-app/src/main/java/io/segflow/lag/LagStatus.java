package io.segflow.lag;

/** A channel's consumer-lag status, as Burrow names them. */
public enum LagStatus {
    /** Caught up at some point in the window, or catching up. */
    OK,
    /** Taking records, but the lag grew at every sample of the window. */
    WARN,
    /** A live member holds the channel but its committed offset did not move over the window while records wait. */
    STALL,
    /** No live member of the group holds the channel while records wait: its owner stopped. */
    STOP
}
