package io.segflow.verify;

/** The instance's answer differs from the model's: names the seed to replay and the first difference. */
public final class VerificationFailure extends AssertionError {
    private final long seed;

    public VerificationFailure(long seed, String difference) {
        super("seed " + seed + ": " + difference);
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }
}
