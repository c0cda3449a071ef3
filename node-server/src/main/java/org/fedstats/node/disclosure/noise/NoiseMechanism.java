package org.fedstats.node.disclosure.noise;

/**
 * Adds integer noise to an integer-valued query whose sensitivity is known, and says what privacy that costs.
 *
 * <p>The sensitivity is the most one record can change the exact answer (adding or removing it): 1 for a count;
 * for a vector of disjoint cells (a frequency table, a histogram, where each record falls in exactly one cell) also
 * 1, in both the L1 norm (Laplace) and the L2 norm (Gaussian), so the whole vector costs {@link #cost()} once;
 * {@link BoundedSum#sensitivity()} in grid units for a clamped sum.
 */
public sealed interface NoiseMechanism permits LaplaceMechanism, GaussianMechanism {
  /** The query's sensitivity in its integer units. */
  long sensitivity();

  /** The privacy a call of {@link #release(long)} or {@link #releaseCells(long[])} spends. */
  PrivacyCost cost();

  /** The variance of the noise added to each value. */
  double noiseVariance();

  /** The exact answer plus fresh noise; may be negative (see {@link #releaseCount(long)}). */
  long release(long exact);

  /**
   * A count released with noise and then floored at 0. Flooring is post-processing, so it costs no privacy, but it
   * biases small counts upwards; use {@link #release(long)} when unbiased values are wanted (e.g. for pooling).
   */
  default long releaseCount(long exact) {
    return Math.max(0, release(exact));
  }

  /**
   * Each of a vector of disjoint cells plus independent noise, for {@link #cost()} in total: the vector's
   * sensitivity is that of one cell because a record falls in exactly one cell. Cells that overlap (a table with
   * its margins, several tables of the same records) are separate releases and each costs {@link #cost()}.
   */
  default long[] releaseCells(long[] exact) {
    long[] out = new long[exact.length];
    for (int i = 0; i < exact.length; i++) {
      out[i] = release(exact[i]);
    }
    return out;
  }
}
