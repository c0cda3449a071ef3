package org.fedstats.node.disclosure.noise;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * A privacy loss (ε, δ) in the sense of (ε, δ)-differential privacy (C. Dwork and A. Roth, "The Algorithmic
 * Foundations of Differential Privacy", 2014, Definition 2.4), with neighbouring datasets differing by adding or
 * removing one record. Exact decimals, so that costs add up exactly: ten spends of 0.1 make exactly 1.
 *
 * <p>Values are kept without trailing zeros, so {@code 1.0} and {@code 1} are the same cost.
 *
 * @param epsilon at least 0
 * @param delta in [0, 1)
 */
public record PrivacyCost(BigDecimal epsilon, BigDecimal delta) implements Comparable<PrivacyCost> {
  public static final PrivacyCost ZERO = new PrivacyCost(BigDecimal.ZERO, BigDecimal.ZERO);

  public PrivacyCost {
    Objects.requireNonNull(epsilon, "epsilon");
    Objects.requireNonNull(delta, "delta");
    if (epsilon.signum() < 0) {
      throw new IllegalArgumentException("epsilon must be at least 0, not " + epsilon.toPlainString());
    }
    if (delta.signum() < 0 || delta.compareTo(BigDecimal.ONE) >= 0) {
      throw new IllegalArgumentException("delta must be in [0, 1), not " + delta.toPlainString());
    }
    epsilon = normal(epsilon);
    delta = normal(delta);
  }

  /** Pure ε-differential privacy (δ = 0). */
  public static PrivacyCost pure(BigDecimal epsilon) {
    return new PrivacyCost(epsilon, BigDecimal.ZERO);
  }

  /** Parses decimal text, e.g. {@code of("0.5", "1e-6")}. */
  public static PrivacyCost of(String epsilon, String delta) {
    return new PrivacyCost(new BigDecimal(epsilon), new BigDecimal(delta));
  }

  /** Basic sequential composition: the cost of running both (Dwork and Roth, Theorem 3.16). */
  public PrivacyCost plus(PrivacyCost other) {
    return new PrivacyCost(epsilon.add(other.epsilon), delta.add(other.delta));
  }

  /** What is left of this budget after {@code spent}; each part at least 0. */
  public PrivacyCost remainingAfter(PrivacyCost spent) {
    return new PrivacyCost(epsilon.subtract(spent.epsilon).max(BigDecimal.ZERO),
        delta.subtract(spent.delta).max(BigDecimal.ZERO));
  }

  /** Whether both parts are at most those of {@code budget}. */
  public boolean fitsWithin(PrivacyCost budget) {
    return epsilon.compareTo(budget.epsilon) <= 0 && delta.compareTo(budget.delta) <= 0;
  }

  /** Orders by ε, then δ. */
  @Override
  public int compareTo(PrivacyCost other) {
    int c = epsilon.compareTo(other.epsilon);
    return c != 0 ? c : delta.compareTo(other.delta);
  }

  @Override
  public String toString() {
    return "ε=" + epsilon.toPlainString() + ", δ=" + delta.toPlainString();
  }

  private static BigDecimal normal(BigDecimal d) {
    BigDecimal s = d.stripTrailingZeros();
    return s.scale() < 0 ? s.setScale(0) : s;
  }
}
