package org.fedstats.coordinator.analysis.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MomentsTest {
  /** Two-pass mean and M2 of a sample, the reference for the combination. */
  private static Moments direct(double[] xs) {
    double mean = 0;
    for (double x : xs) {
      mean += x;
    }
    mean /= xs.length;
    double m2 = 0;
    for (double x : xs) {
      m2 += (x - mean) * (x - mean);
    }
    return new Moments(xs.length, mean, m2);
  }

  @Test
  void combiningSiteMomentsEqualsTheMomentsOfThePooledSample() {
    Random random = new Random(42);
    double[] all = new double[3000];
    for (int i = 0; i < all.length; i++) {
      all[i] = 1e9 + random.nextGaussian() * 3; // a large offset ruins the raw sum-of-squares formula
    }
    Moments pooled = Moments.EMPTY;
    int[] cuts = {0, 400, 1700, 3000};
    for (int s = 0; s < 3; s++) {
      double[] site = java.util.Arrays.copyOfRange(all, cuts[s], cuts[s + 1]);
      pooled = pooled.combine(direct(site));
    }
    // Exact reference in decimal arithmetic over the same doubles.
    java.math.MathContext mc = new java.math.MathContext(50);
    java.math.BigDecimal exactSum = java.math.BigDecimal.ZERO;
    for (double x : all) {
      exactSum = exactSum.add(new java.math.BigDecimal(x));
    }
    java.math.BigDecimal exactMean = exactSum.divide(java.math.BigDecimal.valueOf(all.length), mc);
    java.math.BigDecimal exactM2 = java.math.BigDecimal.ZERO;
    for (double x : all) {
      java.math.BigDecimal d = new java.math.BigDecimal(x).subtract(exactMean);
      exactM2 = exactM2.add(d.multiply(d));
    }
    Moments reference = new Moments(all.length, exactMean.doubleValue(),
        exactM2.doubleValue());
    assertThat(pooled.n()).isEqualTo(3000);
    assertThat(pooled.mean()).isCloseTo(reference.mean(), within(1e-15 * reference.mean()));
    // Inputs near 1e9 carry rounding of ~1e-7 each, so 1e-8 relative is the honest bound here.
    assertThat(pooled.variance()).isCloseTo(reference.variance(), within(1e-8 * reference.variance()));
    assertThat(pooled.variance()).isCloseTo(9.0, within(1.0));

    double sum = 0;
    double sumSq = 0;
    for (double x : all) {
      sum += x;
      sumSq += x * x;
    }
    double naive = (sumSq - sum * sum / all.length) / (all.length - 1);
    assertThat(Math.abs(naive - reference.variance())).as("raw sums lose the variance entirely")
        .isGreaterThan(1.0);
  }

  @Test
  void emptySitesAndSingleValuesCombine() {
    Moments one = new Moments(1, 5.0, 0.0);
    assertThat(Moments.EMPTY.combine(one)).isEqualTo(one);
    assertThat(one.combine(Moments.EMPTY)).isEqualTo(one);
    assertThat(one.variance()).isNaN();
    Moments two = one.combine(new Moments(1, 7.0, 0.0));
    assertThat(two.mean()).isEqualTo(6.0);
    assertThat(two.variance()).isEqualTo(2.0);
    assertThatThrownBy(() -> new Moments(3, 1.0, -1.0)).isInstanceOf(IllegalArgumentException.class);
  }
}
