package org.fedstats.node.disclosure.noise;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Accounting in zero-concentrated differential privacy (zCDP; M. Bun and T. Steinke, "Concentrated Differential
 * Privacy: Simplifications, Extensions, and Lower Bounds", TCC 2016).
 *
 * <p>The discrete Gaussian with variance parameter σ² on a query of L2 sensitivity Δ is ρ-zCDP with
 * ρ = Δ²/(2σ²) (Canonne, Kamath and Steinke 2020, Theorem 4); ρ-zCDP mechanisms compose by adding ρ (Bun and
 * Steinke, Lemma 1.7); and ρ-zCDP implies (ε, δ)-DP for every δ in (0, 1) with
 * <b>ε = ρ + 2·√(ρ·ln(1/δ))</b> (Bun and Steinke, Proposition 1.3). That conversion is the one used here; tighter
 * ones exist (Canonne, Kamath and Steinke, Corollary 13), so the ε reported is an upper bound.
 *
 * <p>Square roots and logarithms are taken in double precision (this is accounting, not sampling) and ε is then
 * rounded <em>up</em> to 9 decimal places after a relative margin of 10⁻¹², so the reported ε is never below the
 * true value of the formula.
 */
public final class Zcdp {
  /** Decimal places of a converted ε. */
  public static final int EPSILON_SCALE = 9;
  private static final BigInteger RHO_DENOMINATOR = BigInteger.TEN.pow(12);

  private Zcdp() {}

  /** ρ = Δ²/(2σ²) of the discrete Gaussian, exactly. */
  public static Rational rho(long sensitivity, Rational sigma2) {
    BigInteger d = BigInteger.valueOf(sensitivity);
    return new Rational(d.multiply(d), BigInteger.ONE).dividedBy(Rational.of(2).times(sigma2));
  }

  /** The ε of the (ε, δ)-DP that ρ-zCDP implies: ρ + 2√(ρ ln(1/δ)), rounded up to 9 places. */
  public static BigDecimal epsilon(Rational rho, BigDecimal delta) {
    requireDelta(delta);
    double r = rho.doubleValue();
    double e = r + 2 * Math.sqrt(r * Math.log(1 / delta.doubleValue()));
    return new BigDecimal(e * (1 + 1e-12) + Double.MIN_NORMAL).setScale(EPSILON_SCALE, RoundingMode.CEILING);
  }

  /**
   * The largest ρ (on a grid of 10⁻¹²) whose conversion {@link #epsilon(Rational, BigDecimal)} at {@code delta} is
   * at most {@code epsilon}: ρ = (√(L + ε) − √L)² with L = ln(1/δ), rounded down.
   */
  public static Rational rhoFor(BigDecimal epsilon, BigDecimal delta) {
    requireDelta(delta);
    if (epsilon.signum() <= 0) {
      throw new IllegalArgumentException("epsilon must be positive");
    }
    double l = Math.log(1 / delta.doubleValue());
    double root = Math.sqrt(l + epsilon.doubleValue()) - Math.sqrt(l);
    BigInteger units = new BigDecimal(root * root).multiply(new BigDecimal(RHO_DENOMINATOR))
        .setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
    Rational rho = new Rational(units, RHO_DENOMINATOR);
    // floating-point slack: step down until the (rounded-up) conversion fits
    while (epsilon(rho, delta).compareTo(epsilon) > 0) {
      units = units.multiply(BigInteger.valueOf(999_999)).divide(BigInteger.valueOf(1_000_000));
      rho = new Rational(units, RHO_DENOMINATOR);
    }
    if (rho.isZero()) {
      throw new IllegalArgumentException("epsilon " + epsilon.toPlainString() + " is too small for any noise");
    }
    return rho;
  }

  /** A privacy cost ρ-zCDP implies at {@code delta}. */
  public static PrivacyCost cost(Rational rho, BigDecimal delta) {
    return new PrivacyCost(epsilon(rho, delta), delta);
  }

  private static void requireDelta(BigDecimal delta) {
    if (delta.signum() <= 0 || delta.compareTo(BigDecimal.ONE) >= 0) {
      throw new IllegalArgumentException("delta must be in (0, 1) for the zCDP conversion, not "
          + delta.toPlainString());
    }
  }
}
