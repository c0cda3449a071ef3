package org.fedstats.client.analysis.summary;

/** n non-missing values, their mean and sample variance (n - 1 denominator), and the missing count. */
public record Summary(long n, long missing, double mean, double variance) {
  public Summary {
    if (n < 0 || missing < 0) {
      throw new IllegalArgumentException("counts must not be negative");
    }
  }

  public double sd() {
    return Math.sqrt(variance);
  }
}
