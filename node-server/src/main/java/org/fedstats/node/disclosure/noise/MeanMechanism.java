package org.fedstats.node.disclosure.noise;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Objects;

/**
 * A mean released as noisy sum / noisy count, each with its own noise; the cost is that of both releases.
 *
 * <p>Budget split: {@link #laplace} spends ε/2 on the sum (scale {@code 2·sensitivity/ε}) and ε/2 on the count
 * (scale {@code 2/ε}), total ε (basic composition). {@link #gaussian} spends ρ/2 on each, where ρ is the largest
 * zCDP parameter whose (ε, δ) conversion fits the budget, total ρ (zCDP composition), reported as (ε, δ) through
 * {@link Zcdp}. The mean is post-processing: the noisy count is floored at 1 and the ratio clamped to [lo, hi],
 * at no further cost.
 *
 * @param bounds the variable's declared bounds and grid
 * @param sumNoise noise for the sum, sensitivity at least {@code bounds.sensitivity()}
 * @param countNoise noise for the count, sensitivity at least 1
 */
public record MeanMechanism(BoundedSum bounds, NoiseMechanism sumNoise, NoiseMechanism countNoise) {
  public MeanMechanism {
    Objects.requireNonNull(bounds, "bounds");
    Objects.requireNonNull(sumNoise, "sumNoise");
    Objects.requireNonNull(countNoise, "countNoise");
    bounds.requireCovers(sumNoise);
  }

  /** Discrete Laplace noise, ε/2 for the sum and ε/2 for the count: costs (ε, 0). */
  public static MeanMechanism laplace(BoundedSum bounds, Rational epsilon, ExactSampler sampler) {
    Rational half = epsilon.dividedBy(Rational.of(2));
    return new MeanMechanism(bounds, LaplaceMechanism.forSum(bounds, half, sampler),
        LaplaceMechanism.forCounts(half, sampler));
  }

  /** Discrete Gaussian noise, ρ/2 for the sum and ρ/2 for the count, with ρ fitted to (ε, δ): costs at most that. */
  public static MeanMechanism gaussian(BoundedSum bounds, BigDecimal epsilon, BigDecimal delta,
      ExactSampler sampler) {
    Rational half = Zcdp.rhoFor(epsilon, delta).dividedBy(Rational.of(2));
    return new MeanMechanism(bounds, GaussianMechanism.forRho(half, delta, bounds.sensitivity(), sampler),
        GaussianMechanism.forRho(half, delta, 1, sampler));
  }

  /** Both Gaussian at the same δ: the conversion of ρ_sum + ρ_count; otherwise the sum of the two costs. */
  public PrivacyCost cost() {
    if (sumNoise instanceof GaussianMechanism s && countNoise instanceof GaussianMechanism c
        && s.delta().compareTo(c.delta()) == 0) {
      return Zcdp.cost(s.rho().plus(c.rho()), s.delta());
    }
    return sumNoise.cost().plus(countNoise.cost());
  }

  /**
   * Releases the noisy sum, the noisy count and their ratio.
   *
   * @param gridSum the exact sum in grid units ({@link BoundedSum#gridSum})
   * @param count the exact number of records summed
   */
  public NoisyMean release(long gridSum, long count) {
    BigDecimal sum = bounds.noisySum(gridSum, sumNoise);
    long noisyCount = countNoise.release(count);
    BigDecimal mean = sum.divide(BigDecimal.valueOf(Math.max(1, noisyCount)), MathContext.DECIMAL64)
        .max(bounds.lo()).min(bounds.hi());
    return new NoisyMean(sum, noisyCount, mean, cost());
  }

  /**
   * A released mean with its parts.
   *
   * @param sum the noisy sum, in the variable's unit
   * @param count the noisy count (may be below 1; the mean uses at least 1)
   * @param mean the noisy sum over the noisy count, clamped to the bounds
   * @param cost what the release spent
   */
  public record NoisyMean(BigDecimal sum, long count, BigDecimal mean, PrivacyCost cost) {
    public NoisyMean {
      Objects.requireNonNull(sum, "sum");
      Objects.requireNonNull(mean, "mean");
      Objects.requireNonNull(cost, "cost");
    }
  }
}
