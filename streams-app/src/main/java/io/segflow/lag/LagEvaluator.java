package io.segflow.lag;

import java.util.List;

/**
 * Burrow's evaluation rules over a sliding window of samples of one channel, oldest first. Pure:
 * <ol>
 *   <li>a lag of zero anywhere in the window is OK;</li>
 *   <li>no live member of the group holding the channel while records wait is STOP: the owner
 *       stopped committing because it is gone (crashed, left, or expelled after
 *       {@code max.poll.interval.ms}). Streams commits only when it made progress, so the age of
 *       the last commit, Burrow's signal, cannot tell a stuck owner from a gone one; the group
 *       coordinator's membership can;</li>
 *   <li>a committed offset that did not move over the window while a live member holds the
 *       channel is STALL;</li>
 *   <li>offsets that moved while the lag grew at every step are WARN;</li>
 *   <li>anything else (the lag shrinking, or not long enough a window to judge) is OK.</li>
 * </ol>
 */
public final class LagEvaluator {
    private LagEvaluator() {
    }

    public static LagStatus evaluate(List<LagSample> window, boolean held) {
        if (window.isEmpty() || window.stream().anyMatch(s -> s.lag() == 0)) {
            return LagStatus.OK;
        }
        if (!held) {
            return LagStatus.STOP;
        }
        if (window.size() < 2) {
            return LagStatus.OK;
        }
        LagSample first = window.get(0);
        LagSample last = window.get(window.size() - 1);
        if (first.committed() == last.committed()) {
            return LagStatus.STALL;
        }
        for (int i = 1; i < window.size(); i++) {
            if (window.get(i).lag() <= window.get(i - 1).lag()) {
                return LagStatus.OK;
            }
        }
        return LagStatus.WARN;
    }
}
