package org.fedstats.coordinator.analysis.lm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.GlmRoundStats;
import org.fedstats.proto.v1.LinearModelAnalysis;
import org.fedstats.proto.v1.LinearModelStats;
import org.fedstats.proto.v1.ModelFit;
import org.junit.jupiter.api.Test;

class LinearModelUnitTest {
  private static final Analysis LM = Analysis.newBuilder().setLm(LinearModelAnalysis.newBuilder()
      .setFormula("y ~ x")).build();
  private final LinearModelUnit unit = new LinearModelUnit();

  /** The statistics of rows (x, y). */
  private static LinearModelStats.Builder stats(double[][] rows) {
    double[] xtx = new double[4];
    double[] xty = new double[2];
    double yty = 0;
    double sumY = 0;
    for (double[] r : rows) {
      double[] x = {1, r[0]};
      for (int i = 0; i < 2; i++) {
        for (int j = 0; j < 2; j++) {
          xtx[i * 2 + j] += x[i] * x[j];
        }
        xty[i] += x[i] * r[1];
      }
      yty += r[1] * r[1];
      sumY += r[1];
    }
    LinearModelStats.Builder b = LinearModelStats.newBuilder().setN(rows.length).addColumns("(Intercept)")
        .addColumns("x").setYty(yty).setSumY(sumY);
    for (double v : xtx) {
      b.addXtx(v);
    }
    for (double v : xty) {
      b.addXty(v);
    }
    return b;
  }

  private static AnalysisResult result(LinearModelStats.Builder s) {
    return AnalysisResult.newBuilder().setLmStats(s).build();
  }

  @Test
  void pooledStatisticsGiveTheFitOfAllRows() {
    // Two sites' rows pooled give the same fit as all rows at one site.
    double[][] a = {{0, 1}, {1, 3}, {2, 5}};
    double[][] b = {{3, 8}, {4, 9}, {5, 11}};
    ModelFit fit = unit.combine(LM, List.of(result(stats(a)), result(stats(b)))).getModelFit();
    ModelFit all = unit.combine(LM, List.of(result(stats(new double[][] {
        {0, 1}, {1, 3}, {2, 5}, {3, 8}, {4, 9}, {5, 11}})))).getModelFit();
    assertThat(fit.getN()).isEqualTo(6);
    assertThat(fit.getDfResidual()).isEqualTo(4);
    for (int i = 0; i < 2; i++) {
      assertThat(fit.getCoefficients(i).getEstimate()).isCloseTo(all.getCoefficients(i).getEstimate(),
          within(1e-12));
      assertThat(fit.getCoefficients(i).getStdError()).isCloseTo(all.getCoefficients(i).getStdError(),
          within(1e-12));
    }
    assertThat(fit.getCoefficients(1).getEstimate()).isCloseTo(2.0, within(0.1));
    assertThat(fit.getStatisticName()).isEqualTo("t");
    assertThat(fit.getFamily()).isEqualTo("gaussian (lm)");
    assertThat(fit.getFormula()).isEqualTo("y ~ x");
    assertThat(fit.getRSquared()).isBetween(0.9, 1.0);
    assertThat(fit.getDeviance()).isCloseTo(fit.getSigma() * fit.getSigma() * 4, within(1e-9));
  }

  @Test
  void sitesWithOtherDesignsOrTooFewRowsAreNotPooled() {
    assertThatThrownBy(() -> unit.combine(LM, List.of(result(stats(new double[][] {{0, 1}, {1, 2}})),
        result(stats(new double[][] {{0, 1}, {1, 2}}).setColumns(1, "z")))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different columns");
    assertThatThrownBy(() -> unit.combine(LM, List.of(result(stats(new double[][] {{0, 1}, {1, 2}})))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedSiteStatisticsAreProblemsNotExceptions() {
    LinearModelStats.Builder ok = stats(new double[][] {{0, 1}, {1, 3}, {2, 5}});
    assertThat(unit.problem(LM, Optional.empty(), result(ok))).isEmpty();
    assertThat(unit.problem(LM, Optional.empty(), result(ok.clone().addXty(1)))).get().asString()
        .contains("not 2×2");
    assertThat(unit.problem(LM, Optional.empty(), result(ok.clone().clearXtx()))).get().asString()
        .contains("not 2×2");
    assertThat(unit.problem(LM, Optional.empty(), result(ok.clone().setXtx(0, Double.NaN)))).get().asString()
        .contains("not finite");
    assertThat(unit.problem(LM, Optional.empty(), result(ok.clone().setYty(Double.POSITIVE_INFINITY)))).get()
        .asString().contains("not finite");
    assertThat(unit.problem(LM, Optional.empty(), result(ok.clone().setN(-3)))).get().asString()
        .contains("negative count");
    assertThat(unit.problem(LM, Optional.empty(), result(ok.clone().clearColumns()))).get().asString()
        .contains("without columns");
    assertThat(unit.problem(LM, Optional.empty(), result(ok.clone().setColumns(1, "(Intercept)")))).get()
        .asString().contains("twice");
    assertThat(unit.problem(LM, Optional.empty(), AnalysisResult.newBuilder()
        .setGlmRound(GlmRoundStats.getDefaultInstance()).build()))
        .contains("a glm_round result was sent for a lm request");
  }

  @Test
  void aModelNeedsAFormula() {
    assertThatThrownBy(() -> unit.driver(Analysis.newBuilder().setLm(LinearModelAnalysis.getDefaultInstance())
        .build())).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a formula");
    assertThat(unit.driver(LM).multiRound()).isFalse();
  }
}
