package org.fedstats.node.disclosure.noise;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * The discrete Laplace (geometric) mechanism: the exact answer plus discrete Laplace noise of scale
 * {@code sensitivity / ε}, which is ε-differentially private (δ = 0) for a query of that sensitivity
 * (A. Ghosh, T. Roughgarden and M. Sundararajan, "Universally Utility-Maximizing Privacy Mechanisms", STOC 2009;
 * Canonne, Kamath and Steinke 2020, section 2). The noise is drawn exactly by {@link ExactSampler}.
 *
 * @param epsilon the privacy loss of one release, positive
 * @param sensitivity the query's sensitivity in its integer units, positive
 * @param sampler the source of noise
 */
public record LaplaceMechanism(Rational epsilon, long sensitivity, ExactSampler sampler) implements NoiseMechanism {
  public LaplaceMechanism {
    Objects.requireNonNull(epsilon, "epsilon");
    Objects.requireNonNull(sampler, "sampler");
    if (epsilon.isZero()) {
      throw new IllegalArgumentException("epsilon must be positive");
    }
    if (sensitivity < 1) {
      throw new IllegalArgumentException("sensitivity must be at least 1, not " + sensitivity);
    }
  }

  /** For counts, table cells and histogram bins (sensitivity 1): noise of scale 1/ε, costing ε. */
  public static LaplaceMechanism forCounts(Rational epsilon, ExactSampler sampler) {
    return new LaplaceMechanism(epsilon, 1, sampler);
  }

  /** For the clamped sum {@code bounds} describes: noise of scale {@code bounds.sensitivity()/ε} grid units. */
  public static LaplaceMechanism forSum(BoundedSum bounds, Rational epsilon, ExactSampler sampler) {
    return new LaplaceMechanism(epsilon, bounds.sensitivity(), sampler);
  }

  /** The noise scale {@code sensitivity / ε}. */
  public Rational scale() {
    return Rational.of(sensitivity).dividedBy(epsilon);
  }

  /** ε (exactly, as a decimal when ε has one; else rounded up to 12 places), δ = 0. */
  @Override
  public PrivacyCost cost() {
    return PrivacyCost.pure(decimalUp(epsilon));
  }

  @Override
  public double noiseVariance() {
    return ExactSampler.discreteLaplaceVariance(scale().doubleValue());
  }

  @Override
  public long release(long exact) {
    return Math.addExact(exact, sampler.discreteLaplace(scale()));
  }

  /** A rational as a decimal: exact when it has a finite expansion, else rounded up (a cost is never understated). */
  static BigDecimal decimalUp(Rational r) {
    BigDecimal n = new BigDecimal(r.numerator());
    BigDecimal d = new BigDecimal(r.denominator());
    try {
      return n.divide(d);
    } catch (ArithmeticException nonTerminating) {
      return n.divide(d, 12, java.math.RoundingMode.CEILING);
    }
  }
}
