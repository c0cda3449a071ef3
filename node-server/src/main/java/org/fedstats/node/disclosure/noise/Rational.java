package org.fedstats.node.disclosure.noise;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Objects;

/**
 * An exact non-negative rational number {@code numerator / denominator}, kept in lowest terms with a positive
 * denominator. The noise parameters (privacy loss ε, noise scales, variances) are rationals so that the samplers
 * in {@link ExactSampler} never round: two rationals that are equal as numbers are equal as records.
 *
 * @param numerator non-negative
 * @param denominator positive
 */
public record Rational(BigInteger numerator, BigInteger denominator) implements Comparable<Rational> {
  public static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);
  public static final Rational ONE = new Rational(BigInteger.ONE, BigInteger.ONE);

  public Rational {
    Objects.requireNonNull(numerator, "numerator");
    Objects.requireNonNull(denominator, "denominator");
    if (denominator.signum() <= 0) {
      throw new IllegalArgumentException("a rational needs a positive denominator, not " + denominator);
    }
    if (numerator.signum() < 0) {
      throw new IllegalArgumentException("noise parameters are non-negative, not " + numerator + "/" + denominator);
    }
    BigInteger g = numerator.gcd(denominator);
    if (!g.equals(BigInteger.ONE) && g.signum() > 0) {
      numerator = numerator.divide(g);
      denominator = denominator.divide(g);
    }
    if (numerator.signum() == 0) {
      denominator = BigInteger.ONE;
    }
  }

  /** {@code numerator / denominator}. */
  public static Rational of(long numerator, long denominator) {
    return new Rational(BigInteger.valueOf(numerator), BigInteger.valueOf(denominator));
  }

  /** The integer {@code n}. */
  public static Rational of(long n) {
    return of(n, 1);
  }

  /** The exact value of a non-negative decimal, e.g. 0.1 is 1/10. */
  public static Rational of(BigDecimal value) {
    Objects.requireNonNull(value, "value");
    BigDecimal v = value.stripTrailingZeros();
    if (v.scale() <= 0) {
      return new Rational(v.toBigIntegerExact(), BigInteger.ONE);
    }
    return new Rational(v.unscaledValue(), BigInteger.TEN.pow(v.scale()));
  }

  /** Parses {@code "p/q"}, an integer or a decimal such as {@code "0.25"}. */
  public static Rational parse(String text) {
    Objects.requireNonNull(text, "text");
    int slash = text.indexOf('/');
    try {
      if (slash < 0) {
        return of(new BigDecimal(text.strip()));
      }
      return new Rational(new BigInteger(text.substring(0, slash).strip()),
          new BigInteger(text.substring(slash + 1).strip()));
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("not a rational number: '" + org.fedstats.common.Text.echo(text) + "'", e);
    }
  }

  public boolean isZero() {
    return numerator.signum() == 0;
  }

  public Rational plus(Rational other) {
    return new Rational(numerator.multiply(other.denominator).add(other.numerator.multiply(denominator)),
        denominator.multiply(other.denominator));
  }

  /** {@code this - other}; fails when the result would be negative. */
  public Rational minus(Rational other) {
    return new Rational(numerator.multiply(other.denominator).subtract(other.numerator.multiply(denominator)),
        denominator.multiply(other.denominator));
  }

  public Rational times(Rational other) {
    return new Rational(numerator.multiply(other.numerator), denominator.multiply(other.denominator));
  }

  /** {@code this / other}; {@code other} must not be zero. */
  public Rational dividedBy(Rational other) {
    if (other.isZero()) {
      throw new ArithmeticException("division by zero");
    }
    return new Rational(numerator.multiply(other.denominator), denominator.multiply(other.numerator));
  }

  /** The largest integer not above this number. */
  public BigInteger floor() {
    return numerator.divide(denominator);
  }

  /** The largest integer whose square is not above this number (the floor of its square root). */
  public BigInteger floorSqrt() {
    return floor().sqrt();
  }

  /** A floating-point approximation, for reporting and tests only (never used to draw noise). */
  public double doubleValue() {
    return new BigDecimal(numerator).divide(new BigDecimal(denominator), java.math.MathContext.DECIMAL64)
        .doubleValue();
  }

  @Override
  public int compareTo(Rational other) {
    return numerator.multiply(other.denominator).compareTo(other.numerator.multiply(denominator));
  }

  @Override
  public String toString() {
    return denominator.equals(BigInteger.ONE) ? numerator.toString() : numerator + "/" + denominator;
  }
}
