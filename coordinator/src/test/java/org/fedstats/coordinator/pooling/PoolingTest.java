package org.fedstats.coordinator.pooling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.HistogramResult;
import org.fedstats.proto.v1.SummaryResult;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;
import org.junit.jupiter.api.Test;

class PoolingTest {
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

  @Test
  void summariesPoolNAndMissing() {
    SummaryResult a = SummaryResult.newBuilder().setN(3).setMissing(1).setMean(2).setM2(2).build(); // 1,2,3
    SummaryResult b = SummaryResult.newBuilder().setN(2).setMissing(4).setMean(5).setM2(2).build(); // 4,6
    SummaryResult p = Pooling.summary(List.of(a, b));
    assertThat(p.getN()).isEqualTo(5);
    assertThat(p.getMissing()).isEqualTo(5);
    assertThat(p.getMean()).isCloseTo(3.2, within(1e-15));
    assertThat(p.getVariance()).isCloseTo(3.7, within(1e-14)); // var(c(1,2,3,4,6)) in R
  }

  @Test
  void countsAdd() {
    List<AnalysisResult> sites = List.of(10L, 20L, 33L).stream()
        .map(c -> AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(c)).build()).toList();
    assertThat(Pooling.pool(sites).getCount().getCount()).isEqualTo(63);
  }

  private static TableResult table(List<String> rows, List<String> cols, long... counts) {
    TableResult.Builder b = TableResult.newBuilder().setRowVariable("r").setColumnVariable("c")
        .addAllRowLevels(rows).addAllColumnLevels(cols);
    int i = 0;
    for (String r : rows) {
      for (String c : cols) {
        b.addCells(TableCell.newBuilder().setRow(r).setColumn(c).setCount(counts[i++]));
      }
    }
    return b.build();
  }

  @Test
  void tableCellsAddOverTheUnionOfLevels() {
    TableResult a = table(List.of("1", "2"), List.of("0", "1"), 10, 20, 30, 40);
    TableResult b = table(List.of("1", "3", "<missing>"), List.of("1"), 11, 12, 13);
    TableResult p = Pooling.table(List.of(a, b));
    assertThat(p.getRowLevelsList()).containsExactly("1", "2", "3", "<missing>");
    assertThat(p.getColumnLevelsList()).containsExactly("0", "1");
    List<Long> cells = new ArrayList<>();
    p.getCellsList().forEach(c -> cells.add(c.getCount()));
    assertThat(cells).containsExactly(10L, 31L, 30L, 40L, 0L, 12L, 0L, 13L);
    assertThat(Pooling.mergeLevels(List.of(List.of("10", "9"), List.of("2")))).containsExactly("2", "9", "10");
    assertThat(Pooling.mergeLevels(List.of(List.of("Obs", "Lev"), List.of("Lev", "Lev+5FU"))))
        .containsExactly("Obs", "Lev", "Lev+5FU");
  }

  @Test
  void histogramsAddBinByBinAndRefuseDifferentBreaks() {
    HistogramResult a = HistogramResult.newBuilder().addAllBreaks(List.of(0.0, 1.0, 2.0)).addCounts(10).addCounts(20)
        .setBelow(0).setAbove(11).setMissing(12).build();
    HistogramResult b = a.toBuilder().setCounts(0, 15).build();
    HistogramResult p = Pooling.histogram(List.of(a, b));
    assertThat(p.getCountsList()).containsExactly(25L, 40L);
    assertThat(p.getAbove()).isEqualTo(22);
    assertThat(p.getMissing()).isEqualTo(24);
    HistogramResult other = a.toBuilder().setBreaks(1, 1.5).build();
    assertThatThrownBy(() -> Pooling.histogram(List.of(a, other))).hasMessageContaining("different breaks");
  }

  @Test
  void differentKindsOfResultDoNotPool() {
    AnalysisResult count = AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(1)).build();
    AnalysisResult summary = AnalysisResult.newBuilder().setSummary(SummaryResult.getDefaultInstance()).build();
    assertThatThrownBy(() -> Pooling.pool(List.of(count, summary))).hasMessageContaining("different kinds");
  }
}
