package org.fedstats.node.link;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How long an outbound node waits before dialling its coordinator again: exponential back-off with jitter. The
 * n-th wait since the last good link is drawn uniformly from [b/2, b], where b = min × 2ⁿ capped at max; so many
 * nodes that lost the coordinator together do not all dial it at the same instant, and none waits longer than max.
 */
final class Backoff {
  private final Duration min;
  private final Duration max;
  private final RandomGenerator random;
  private int failures;

  Backoff(Duration min, Duration max, RandomGenerator random) {
    if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
      throw new IllegalArgumentException("back-off needs 0 < min <= max");
    }
    this.min = min;
    this.max = max;
    this.random = Objects.requireNonNull(random, "random");
  }

  /** The wait before the next attempt; each call doubles the bound, up to max. */
  synchronized Duration next() {
    long bound = min.toMillis();
    for (int i = 0; i < failures && bound < max.toMillis(); i++) {
      bound *= 2;
    }
    bound = Math.min(bound, max.toMillis());
    failures = Math.min(failures + 1, 62);
    long half = Math.max(1, bound / 2);
    return Duration.ofMillis(half + random.nextLong(bound - half + 1));
  }

  /** The link worked: the next wait starts from min again. */
  synchronized void reset() {
    failures = 0;
  }
}
