package org.fedstats.coordinator.monitor;

import java.time.Duration;
import java.util.Arrays;

/**
 * The latest latencies (at most {@code capacity}, in a ring), with their percentiles over a recent window: the p50
 * and p99 of the samples taken in the last {@code window}, nearest-rank.
 */
final class LatencyWindow {
  private final long[] atMs;
  private final double[] millis;
  private final long windowMs;
  private int next;
  private int held;

  LatencyWindow(int capacity, Duration window) {
    if (capacity <= 0 || window.toMillis() <= 0) {
      throw new IllegalArgumentException("a latency window needs a positive capacity and duration");
    }
    this.atMs = new long[capacity];
    this.millis = new double[capacity];
    this.windowMs = window.toMillis();
  }

  synchronized void add(long nowMs, double latencyMs) {
    if (!(latencyMs >= 0) || Double.isInfinite(latencyMs)) {
      return;
    }
    atMs[next] = nowMs;
    millis[next] = latencyMs;
    next = (next + 1) % atMs.length;
    held = Math.min(held + 1, atMs.length);
  }

  /** The percentiles of the samples in the window ending at {@code nowMs}. */
  synchronized Percentiles percentiles(long nowMs) {
    double[] recent = new double[held];
    int n = 0;
    for (int i = 0; i < held; i++) {
      if (nowMs - atMs[i] <= windowMs) {
        recent[n++] = millis[i];
      }
    }
    if (n == 0) {
      return new Percentiles(0, Double.NaN, Double.NaN);
    }
    Arrays.sort(recent, 0, n);
    return new Percentiles(n, rank(recent, n, 0.50), rank(recent, n, 0.99));
  }

  private static double rank(double[] sorted, int n, double p) {
    return sorted[Math.max(0, (int) Math.ceil(p * n) - 1)];
  }

  /**
   * Latency percentiles over a window.
   *
   * @param samples how many latencies the window holds (0: none; then both percentiles are NaN)
   * @param p50 the median, in milliseconds
   * @param p99 the 99th percentile, in milliseconds
   */
  record Percentiles(int samples, double p50, double p99) {
    Percentiles {
      if (samples < 0) {
        throw new IllegalArgumentException("a negative sample count");
      }
    }
  }
}
