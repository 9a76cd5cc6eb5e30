/**
 * Consumer lag the way the field reads it: per channel of {@code C.dml}, the group's committed
 * offset against the last stable offset, the age of the oldest record not yet processed, and a
 * status judged by Burrow's rules ({@link io.segflow.lag.LagEvaluator}) over a sliding window.
 */
package io.segflow.lag;
