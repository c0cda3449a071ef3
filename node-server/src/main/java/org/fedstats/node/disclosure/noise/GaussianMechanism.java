package org.fedstats.node.disclosure.noise;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;

/**
 * The discrete Gaussian mechanism: the exact answer plus discrete Gaussian noise with variance parameter σ², which
 * is ρ-zCDP with ρ = Δ²/(2σ²) for a query of L2 sensitivity Δ (Canonne, Kamath and Steinke 2020, Theorem 4), and
 * hence (ε, δ)-DP with ε = ρ + 2√(ρ ln(1/δ)) ({@link Zcdp}). Its tails are lighter than Laplace noise's, and
 * independent noise on many cells composes better (ρ adds), at the price of δ &gt; 0.
 *
 * @param sigma2 the variance parameter σ², positive
 * @param sensitivity the query's L2 sensitivity in its integer units, positive
 * @param delta the δ at which the cost is stated, in (0, 1)
 * @param sampler the source of noise
 */
public record GaussianMechanism(Rational sigma2, long sensitivity, BigDecimal delta, ExactSampler sampler)
    implements NoiseMechanism {
  public GaussianMechanism {
    Objects.requireNonNull(sigma2, "sigma2");
    Objects.requireNonNull(delta, "delta");
    Objects.requireNonNull(sampler, "sampler");
    if (sigma2.isZero()) {
      throw new IllegalArgumentException("sigma2 must be positive");
    }
    if (sensitivity < 1) {
      throw new IllegalArgumentException("sensitivity must be at least 1, not " + sensitivity);
    }
    if (delta.signum() <= 0 || delta.compareTo(BigDecimal.ONE) >= 0) {
      throw new IllegalArgumentException("delta must be in (0, 1), not " + delta.toPlainString());
    }
  }

  /**
   * The least noise whose cost is at most (ε, δ): ρ from {@link Zcdp#rhoFor}, σ² = Δ²/(2ρ) exactly.
   *
   * @param epsilon the ε to spend, positive
   * @param delta the δ to spend, in (0, 1)
   * @param sensitivity the L2 sensitivity (1 for counts and disjoint cells, {@link BoundedSum#sensitivity()})
   */
  public static GaussianMechanism forBudget(BigDecimal epsilon, BigDecimal delta, long sensitivity,
      ExactSampler sampler) {
    return forRho(Zcdp.rhoFor(epsilon, delta), delta, sensitivity, sampler);
  }

  /** The mechanism that is ρ-zCDP for a query of this sensitivity: σ² = Δ²/(2ρ). */
  public static GaussianMechanism forRho(Rational rho, BigDecimal delta, long sensitivity, ExactSampler sampler) {
    BigInteger d = BigInteger.valueOf(sensitivity);
    Rational sigma2 = new Rational(d.multiply(d), BigInteger.ONE).dividedBy(Rational.of(2).times(rho));
    return new GaussianMechanism(sigma2, sensitivity, delta, sampler);
  }

  /** ρ = Δ²/(2σ²). */
  public Rational rho() {
    return Zcdp.rho(sensitivity, sigma2);
  }

  /** (ρ + 2√(ρ ln(1/δ)), δ), ε rounded up. */
  @Override
  public PrivacyCost cost() {
    return Zcdp.cost(rho(), delta);
  }

  @Override
  public double noiseVariance() {
    return ExactSampler.discreteGaussianVariance(sigma2.doubleValue());
  }

  @Override
  public long release(long exact) {
    return Math.addExact(exact, sampler.discreteGaussian(sigma2));
  }
}
