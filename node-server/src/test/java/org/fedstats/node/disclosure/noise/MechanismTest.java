package org.fedstats.node.disclosure.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The mechanisms add noise of the stated size and report what they spend. */
class MechanismTest {
  private final ExactSampler sampler = new ExactSampler(new SplittableRandom(11));

  @Test
  void laplaceCountsSpendEpsilonAndAddNoiseOfScaleOneOverEpsilon() {
    LaplaceMechanism m = LaplaceMechanism.forCounts(Rational.of(1, 2), sampler);
    assertThat(m.cost()).isEqualTo(PrivacyCost.of("0.5", "0"));
    assertThat(m.scale()).isEqualTo(Rational.of(2));
    int n = 20_000;
    double sum = 0;
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      long d = m.release(1000) - 1000;
      sum += d;
      sumSq += (double) d * d;
    }
    double variance = ExactSampler.discreteLaplaceVariance(2);
    assertThat(m.noiseVariance()).isCloseTo(variance, within(1e-12));
    assertThat(sum / n).isCloseTo(0, within(5 * Math.sqrt(variance / n)));
    assertThat(sumSq / n).isCloseTo(variance, within(0.06 * variance));
  }

  @Test
  void theProductionSamplerDrawsFromSecureRandom() {
    LaplaceMechanism m = LaplaceMechanism.forCounts(Rational.of(1, 10), ExactSampler.secure());
    long distinct = java.util.stream.LongStream.range(0, 200).map(i -> m.release(50)).distinct().count();
    assertThat(distinct).isGreaterThan(20); // scale 10: the noise takes many values
  }

  @Test
  void aTableOfDisjointCellsCostsEpsilonOnceAndCountsCanBeFlooredAtZero() {
    LaplaceMechanism m = LaplaceMechanism.forCounts(Rational.ONE, sampler);
    long[] cells = {0, 0, 0, 5, 100};
    long[] noisy = m.releaseCells(cells);
    assertThat(noisy).hasSize(5);
    assertThat(m.cost()).isEqualTo(PrivacyCost.pure(BigDecimal.ONE));
    for (int i = 0; i < 1000; i++) {
      assertThat(m.releaseCount(0)).isNotNegative();
    }
  }

  @Test
  void aCostThatIsNotADecimalIsRoundedUp() {
    assertThat(LaplaceMechanism.forCounts(Rational.of(1, 3), sampler).cost().epsilon())
        .isEqualByComparingTo("0.333333333334");
  }

  @Test
  void theZcdpConversionIsRhoPlusTwoRootRhoLogOneOverDelta() {
    BigDecimal eps = Zcdp.epsilon(Rational.of(1, 2), new BigDecimal("1e-5"));
    double expected = 0.5 + 2 * Math.sqrt(0.5 * Math.log(1e5));
    assertThat(eps.doubleValue()).isCloseTo(expected, within(2e-9)).isGreaterThanOrEqualTo(expected);
    GaussianMechanism g = GaussianMechanism.forBudget(BigDecimal.ONE, new BigDecimal("1e-6"), 1, sampler);
    assertThat(g.cost().epsilon()).isLessThanOrEqualTo(BigDecimal.ONE).isGreaterThan(new BigDecimal("0.99999"));
    assertThat(g.cost().delta()).isEqualByComparingTo("1e-6");
    assertThat(g.rho()).isEqualTo(Zcdp.rho(1, g.sigma2()));
    // sigma^2 = 1/(2 rho): rho ~ 0.0179 at (1, 1e-6), so sigma ~ 5.3
    assertThat(Math.sqrt(g.sigma2().doubleValue())).isBetween(5.0, 5.6);
    GaussianMechanism sum = GaussianMechanism.forBudget(BigDecimal.ONE, new BigDecimal("1e-6"), 120, sampler);
    assertThat(sum.sigma2()).isEqualTo(g.sigma2().times(Rational.of(120 * 120)));
    assertThatThrownBy(() -> Zcdp.epsilon(Rational.ONE, BigDecimal.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void gaussianNoiseHasTheDiscreteGaussianVariance() {
    GaussianMechanism g = new GaussianMechanism(Rational.of(25), 1, new BigDecimal("1e-6"), sampler);
    int n = 20_000;
    double sumSq = 0;
    for (int i = 0; i < n; i++) {
      long d = g.release(7) - 7;
      sumSq += (double) d * d;
    }
    assertThat(sumSq / n).isCloseTo(25, within(25 * 0.05));
  }

  @Test
  void sumsClampAndRoundToTheDeclaredGrid() {
    BoundedSum ages = BoundedSum.of("0", "120", "1");
    assertThat(ages.sensitivity()).isEqualTo(120);
    assertThat(ages.gridSum(30.4, 30.6, -5, 130, Double.POSITIVE_INFINITY)).isEqualTo(30 + 31 + 0 + 120 + 120);
    BoundedSum lab = BoundedSum.of("-2.5", "50", "0.1");
    assertThat(lab.sensitivity()).isEqualTo(500);
    assertThat(lab.gridUnits(1.25)).isEqualTo(12); // 1.25 is 1.25 exactly: half to even
    assertThat(lab.value(12)).isEqualByComparingTo("1.2");
    assertThatThrownBy(() -> lab.gridUnits(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BoundedSum.of("0", "10", "3")).hasMessageContaining("multiples of the resolution");
    assertThatThrownBy(() -> BoundedSum.of("5", "1", "1")).hasMessageContaining("above hi");
    assertThatThrownBy(() -> ages.noisySum(10, LaplaceMechanism.forCounts(Rational.ONE, sampler)))
        .hasMessageContaining("sensitivity 1 but the sum's is 120");
  }

  @Test
  void aMeanSplitsItsBudgetBetweenSumAndCount() {
    BoundedSum ages = BoundedSum.of("0", "120", "1");
    MeanMechanism laplace = MeanMechanism.laplace(ages, Rational.ONE, sampler);
    assertThat(laplace.cost()).isEqualTo(PrivacyCost.of("1", "0"));
    assertThat(((LaplaceMechanism) laplace.sumNoise()).scale()).isEqualTo(Rational.of(240));
    assertThat(((LaplaceMechanism) laplace.countNoise()).scale()).isEqualTo(Rational.of(2));
    MeanMechanism.NoisyMean m = laplace.release(45L * 100_000, 100_000);
    assertThat(m.mean().doubleValue()).isCloseTo(45, within(0.1));
    assertThat(m.cost()).isEqualTo(laplace.cost());
    MeanMechanism.NoisyMean tiny = laplace.release(0, 0);
    assertThat(tiny.mean()).isBetween(BigDecimal.ZERO, new BigDecimal(120));

    MeanMechanism gaussian = MeanMechanism.gaussian(ages, BigDecimal.ONE, new BigDecimal("1e-6"), sampler);
    assertThat(gaussian.cost().epsilon()).isLessThanOrEqualTo(BigDecimal.ONE).isGreaterThan(new BigDecimal("0.9999"));
    assertThat(gaussian.cost().delta()).isEqualByComparingTo("1e-6");
  }
}
