package org.fedstats.coordinator.analysis;

/** Exact arithmetic on pooled counts. */
public final class Counts {
  private Counts() {}

  /** Exact sum of two counts; a sum beyond the range of a count is an error, never a wrapped-around value. */
  public static long add(long a, long b) {
    try {
      return Math.addExact(a, b);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("the pooled count exceeds " + Long.MAX_VALUE);
    }
  }
}
