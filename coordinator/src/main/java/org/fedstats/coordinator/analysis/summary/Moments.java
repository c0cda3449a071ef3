package org.fedstats.coordinator.analysis.summary;

/**
 * Count, mean and M2 (sum of squared deviations from the mean) of a sample: sufficient statistics for the pooled
 * mean and variance. Combined with the pairwise update of Chan, Golub and LeVeque, which avoids the cancellation
 * of the raw sum-of-squares formula.
 */
public record Moments(long n, double mean, double m2) {
  public static final Moments EMPTY = new Moments(0, 0.0, 0.0);

  public Moments {
    if (n < 0) {
      throw new IllegalArgumentException("n must not be negative, not " + n);
    }
    if (n > 0 && (!Double.isFinite(mean) || !Double.isFinite(m2) || m2 < 0)) {
      throw new IllegalArgumentException("mean must be finite and M2 finite and non-negative");
    }
    if (n == 0) {
      mean = 0.0;
      m2 = 0.0;
    }
  }

  public Moments combine(Moments other) {
    if (other.n == 0) {
      return this;
    }
    if (n == 0) {
      return other;
    }
    long total = n + other.n;
    double delta = other.mean - mean;
    double pooledMean = mean + delta * ((double) other.n / total);
    double pooledM2 = m2 + other.m2 + delta * delta * ((double) n * other.n / total);
    return new Moments(total, pooledMean, pooledM2);
  }

  /** Sample variance (n - 1 denominator), as R's var(); NaN below two values. */
  public double variance() {
    return n > 1 ? m2 / (n - 1) : Double.NaN;
  }
}
