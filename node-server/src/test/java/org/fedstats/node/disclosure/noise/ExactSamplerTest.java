package org.fedstats.node.disclosure.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.function.LongToDoubleFunction;
import org.hipparchus.distribution.continuous.ChiSquaredDistribution;
import org.hipparchus.stat.inference.ChiSquareTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * The exact samplers against their exact distributions: mean, variance, a tail probability and a chi-squared
 * goodness-of-fit test of the pmf at level ALPHA, each at a fixed seed; and the same checks reject a sampler whose scale is 20%
 * off, so they have the power to see a wrong sampler.
 */
class ExactSamplerTest {
  private static final int N = 100_000;
  /** Significance level of the goodness-of-fit test at a fixed seed. */
  private static final double ALPHA = 0.001;
  /** Tolerance in standard errors for the mean, variance and tail checks. */
  private static final double Z = 4.5;

  @Test
  void bernoulliExpMinusHasProbabilityExpMinusGamma() {
    ExactSampler sampler = new ExactSampler(new SplittableRandom(1));
    for (Rational gamma : new Rational[] {Rational.ZERO, Rational.of(1, 3), Rational.ONE, Rational.of(5, 2)}) {
      int hits = 0;
      for (int i = 0; i < N; i++) {
        hits += sampler.bernoulliExpMinus(gamma) ? 1 : 0;
      }
      double p = Math.exp(-gamma.doubleValue());
      assertThat((double) hits / N).as("gamma %s", gamma).isCloseTo(p,
          org.assertj.core.data.Offset.offset(Z * Math.sqrt(p * (1 - p) / N) + 1e-12));
    }
  }

  @ParameterizedTest(name = "scale {0}")
  @CsvSource({"1", "3/2", "5", "40/3"})
  void discreteLaplaceMatchesItsDistribution(String scaleText) {
    Rational scale = Rational.parse(scaleText);
    ExactSampler sampler = new ExactSampler(new SplittableRandom(scaleText.hashCode()));
    Checks checks = Checks.of(() -> sampler.discreteLaplace(scale), laplacePmf(scale.doubleValue()));
    assertThat(checks.variance).isCloseTo(ExactSampler.discreteLaplaceVariance(scale.doubleValue()),
        org.assertj.core.data.Offset.offset(1e-9));
    checks.assertAllPass();
  }

  @ParameterizedTest(name = "sigma2 {0}")
  @CsvSource({"1/2", "1", "10", "289/4", "1000"})
  void discreteGaussianMatchesItsDistribution(String sigma2Text) {
    Rational sigma2 = Rational.parse(sigma2Text);
    ExactSampler sampler = new ExactSampler(new SplittableRandom(sigma2Text.hashCode()));
    Checks checks = Checks.of(() -> sampler.discreteGaussian(sigma2), gaussianPmf(sigma2.doubleValue()));
    assertThat(checks.variance).isCloseTo(ExactSampler.discreteGaussianVariance(sigma2.doubleValue()),
        org.assertj.core.data.Offset.offset(1e-9));
    checks.assertAllPass();
  }

  @Test
  void theChecksRejectALaplaceSamplerWhoseScaleIsTwentyPercentOff() {
    ExactSampler sampler = new ExactSampler(new SplittableRandom(7));
    Checks laplace = Checks.of(() -> sampler.discreteLaplace(Rational.of(6)), laplacePmf(5));
    assertThat(laplace.varianceOk()).isFalse();
    assertThat(laplace.tailOk()).isFalse();
    assertThat(laplace.fitOk()).isFalse();
  }

  @Test
  void theChecksRejectAGaussianSamplerWhoseScaleIsTwentyPercentOff() {
    ExactSampler sampler = new ExactSampler(new SplittableRandom(8));
    Checks gaussian = Checks.of(() -> sampler.discreteGaussian(Rational.of(144)), gaussianPmf(100));
    assertThat(gaussian.varianceOk()).isFalse();
    assertThat(gaussian.tailOk()).isFalse();
    assertThat(gaussian.fitOk()).isFalse();
  }

  @Test
  void theChecksRejectAShiftedSampler() {
    ExactSampler sampler = new ExactSampler(new SplittableRandom(9));
    Checks shifted = Checks.of(() -> sampler.discreteGaussian(Rational.of(4)) + 1, gaussianPmf(4));
    assertThat(shifted.meanOk()).isFalse();
    assertThat(shifted.fitOk()).isFalse();
  }

  @Test
  void largeParametersUseExactBigIntegerArithmetic() {
    BigInteger big = BigInteger.TWO.pow(80);
    ExactSampler sampler = new ExactSampler(new SplittableRandom(3));
    Rational scale = new Rational(big.multiply(BigInteger.valueOf(3)), big); // 3, written with 80-bit parts
    assertThat(scale).isEqualTo(Rational.of(3));
    Rational unreduced = new Rational(big.add(BigInteger.ONE), big); // just above 1: both parts need BigInteger
    long sum = 0;
    for (int i = 0; i < 2000; i++) {
      sum += Math.abs(sampler.discreteLaplace(unreduced));
    }
    assertThat(sum).isPositive();
  }

  @Test
  void parametersAreValidated() {
    ExactSampler sampler = new ExactSampler(new SplittableRandom(1));
    assertThatThrownBy(() -> sampler.discreteLaplace(Rational.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scale must be positive");
    assertThatThrownBy(() -> sampler.discreteGaussian(Rational.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> sampler.bernoulli(Rational.of(3, 2))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Rational.of(-1, 2)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Rational.of(1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Rational.parse("a/b")).isInstanceOf(IllegalArgumentException.class);
    assertThat(Rational.parse("0.25")).isEqualTo(Rational.of(1, 4));
    assertThat(Rational.parse(" 6 / 8 ")).isEqualTo(Rational.of(3, 4));
  }

  static LongToDoubleFunction laplacePmf(double scale) {
    double q = Math.exp(-1 / scale);
    return x -> (1 - q) / (1 + q) * Math.pow(q, Math.abs(x));
  }

  static LongToDoubleFunction gaussianPmf(double sigma2) {
    long limit = (long) Math.ceil(40 * Math.sqrt(sigma2)) + 40;
    double z = 0;
    for (long x = -limit; x <= limit; x++) {
      z += Math.exp(-(double) x * x / (2 * sigma2));
    }
    double norm = z;
    return x -> Math.exp(-(double) x * x / (2 * sigma2)) / norm;
  }

  /** Mean, variance, a two-sided tail and a chi-squared fit of N draws against a symmetric pmf. */
  static final class Checks {
    final double sampleMean;
    final double sampleVariance;
    final double variance;
    final double meanTolerance;
    final double varianceTolerance;
    final double tail;
    final double sampleTail;
    final double tailTolerance;
    /** The chi-squared statistic and the critical value it must stay below (the 1 - ALPHA quantile). */
    final double[] chiSquared;

    private Checks(long[] draws, LongToDoubleFunction pmf) {
      // the theoretical moments, from the pmf summed until the terms vanish
      double m2 = 0;
      double m4 = 0;
      long limit = 0;
      double mass = pmf.applyAsDouble(0);
      while (mass < 1 - 1e-15 && limit < 1_000_000) {
        limit++;
        double p = pmf.applyAsDouble(limit);
        mass += 2 * p;
        m2 += 2 * p * limit * limit;
        m4 += 2 * p * Math.pow(limit, 4);
      }
      variance = m2;
      long k = Math.max(1, Math.round(2 * Math.sqrt(m2)));
      double inside = pmf.applyAsDouble(0);
      for (long x = 1; x < k; x++) {
        inside += 2 * pmf.applyAsDouble(x);
      }
      tail = 1 - inside;
      double sum = 0;
      double sumSq = 0;
      long beyond = 0;
      for (long d : draws) {
        sum += d;
        beyond += Math.abs(d) >= k ? 1 : 0;
      }
      sampleMean = sum / draws.length;
      for (long d : draws) {
        sumSq += (d - sampleMean) * (d - sampleMean);
      }
      sampleVariance = sumSq / (draws.length - 1);
      sampleTail = (double) beyond / draws.length;
      meanTolerance = Z * Math.sqrt(m2 / draws.length);
      varianceTolerance = Z * Math.sqrt((m4 - m2 * m2) / draws.length);
      tailTolerance = Z * Math.sqrt(tail * (1 - tail) / draws.length);
      chiSquared = chiSquared(draws, pmf);
    }

    static Checks of(LongSupplier sampler, LongToDoubleFunction pmf) {
      long[] draws = new long[N];
      for (int i = 0; i < N; i++) {
        draws[i] = sampler.getAsLong();
      }
      return new Checks(draws, pmf);
    }

    boolean meanOk() {
      return Math.abs(sampleMean) <= meanTolerance;
    }

    boolean varianceOk() {
      return Math.abs(sampleVariance - variance) <= varianceTolerance;
    }

    boolean tailOk() {
      return Math.abs(sampleTail - tail) <= tailTolerance;
    }

    boolean fitOk() {
      return chiSquared[0] <= chiSquared[1];
    }

    void assertAllPass() {
      assertThat(sampleMean).as("mean").isBetween(-meanTolerance, meanTolerance);
      assertThat(sampleVariance).as("variance").isBetween(variance - varianceTolerance, variance + varianceTolerance);
      assertThat(sampleTail).as("P(|X| >= 2 sd)").isBetween(tail - tailTolerance, tail + tailTolerance);
      assertThat(chiSquared[0]).as("chi-squared statistic").isLessThanOrEqualTo(chiSquared[1]);
    }

    /** Bins x = -K..K with expected counts of at least 5, plus one bin for each tail beyond. */
    private static double[] chiSquared(long[] draws, LongToDoubleFunction pmf) {
      long bound = 0;
      while (pmf.applyAsDouble(bound + 1) * draws.length >= 5) {
        bound++;
      }
      int bins = (int) (2 * bound + 3);
      double[] expected = new double[bins];
      long[] observed = new long[bins];
      double centre = 0;
      for (long x = -bound; x <= bound; x++) {
        double p = pmf.applyAsDouble(x);
        expected[(int) (x + bound + 1)] = p * draws.length;
        centre += p;
      }
      expected[0] = (1 - centre) / 2 * draws.length;
      expected[bins - 1] = expected[0];
      for (long d : draws) {
        int bin = d < -bound ? 0 : d > bound ? bins - 1 : (int) (d + bound + 1);
        observed[bin]++;
      }
      if (expected[0] < 1e-3) { // no tail bins when the tails are (numerically) empty
        double[] e = java.util.Arrays.copyOfRange(expected, 1, bins - 1);
        long[] o = java.util.Arrays.copyOfRange(observed, 1, bins - 1);
        e[0] += expected[0];
        e[e.length - 1] += expected[bins - 1];
        o[0] += observed[0];
        o[o.length - 1] += observed[bins - 1];
        return statisticAndCritical(e, o);
      }
      return statisticAndCritical(expected, observed);
    }

    /** Comparing the statistic with the critical value is the test at level ALPHA (p &lt; ALPHA iff above it). */
    private static double[] statisticAndCritical(double[] expected, long[] observed) {
      double statistic = new ChiSquareTest().chiSquare(expected, observed);
      double critical = new ChiSquaredDistribution(expected.length - 1).inverseCumulativeProbability(1 - ALPHA);
      return new double[] {statistic, critical};
    }
  }
}
