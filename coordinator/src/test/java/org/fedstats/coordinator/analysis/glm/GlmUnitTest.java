package org.fedstats.coordinator.analysis.glm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.fedstats.coordinator.analysis.RoundDriver;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.GlmRoundStats;
import org.fedstats.proto.v1.SiteOutcome;
import org.junit.jupiter.api.Test;

class GlmUnitTest {
  private static final Analysis GLM = Analysis.newBuilder().setGlm(GlmAnalysis.newBuilder()
      .setFormula("y ~ x").setFamily(GlmFamily.BINOMIAL).setWeights("w")).build();
  private final GlmUnit unit = new GlmUnit();

  private static GlmRoundStats.Builder stats(long n, double a) {
    return GlmRoundStats.newBuilder().setN(n).addColumns("(Intercept)").addColumns("x")
        .addXtwx(a).addXtwx(1).addXtwx(1).addXtwx(a).addXtwz(2).addXtwz(3).setDeviance(10).setSumWeights(n)
        .setSumWeightedResponse(n / 2.0);
  }

  private static AnalysisResult result(GlmRoundStats.Builder s) {
    return AnalysisResult.newBuilder().setGlmRound(s).build();
  }

  @Test
  void roundStatisticsAdd() {
    GlmRoundStats pooled = unit.combine(GLM, List.of(result(stats(10, 4)), result(stats(20, 5).setOffsetRows(2))))
        .getGlmRound();
    assertThat(pooled.getN()).isEqualTo(30);
    assertThat(pooled.getXtwxList()).containsExactly(9.0, 2.0, 2.0, 9.0);
    assertThat(pooled.getXtwzList()).containsExactly(4.0, 6.0);
    assertThat(pooled.getDeviance()).isEqualTo(20);
    assertThat(pooled.getSumWeights()).isEqualTo(30);
    assertThat(pooled.getOffsetRows()).isEqualTo(2);
    assertThat(pooled.getColumnsList()).containsExactly("(Intercept)", "x");
  }

  @Test
  void sitesWithOtherDesignsAreNotPooled() {
    AnalysisResult other = result(stats(10, 4).setColumns(1, "z"));
    assertThatThrownBy(() -> unit.combine(GLM, List.of(result(stats(10, 4)), other)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("different columns");
  }

  @Test
  void malformedSiteStatisticsAreProblemsNotExceptions() {
    assertThat(unit.problem(GLM, Optional.empty(), result(stats(10, 4)))).isEmpty();
    assertThat(unit.problem(GLM, Optional.empty(), result(stats(10, 4).addXtwz(1)))).get().asString()
        .contains("not 2×2");
    assertThat(unit.problem(GLM, Optional.empty(), result(stats(10, 4).clearXtwx()))).get().asString()
        .contains("not 2×2");
    assertThat(unit.problem(GLM, Optional.empty(), result(stats(10, Double.NaN)))).contains(
        "glm round statistics with a number that is not finite");
    assertThat(unit.problem(GLM, Optional.empty(), result(stats(10, 4).setDeviance(Double.POSITIVE_INFINITY))))
        .get().asString().contains("not finite");
    assertThat(unit.problem(GLM, Optional.empty(), result(stats(-1, 4)))).get().asString().contains("negative");
    assertThat(unit.problem(GLM, Optional.empty(), result(stats(1, 4).clearColumns()))).get().asString()
        .contains("without columns");
    assertThat(unit.problem(GLM, Optional.empty(), result(stats(1, 4).setColumns(1, "(Intercept)")))).get()
        .asString().contains("twice");
    assertThat(unit.problem(GLM, Optional.empty(),
        AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(3)).build()))
        .contains("a count result was sent for a glm request");
    Analysis round = Analysis.newBuilder().setGlm(GLM.getGlm().toBuilder().addCoefficients(0).addCoefficients(0)
        .addCoefficients(0)).build();
    assertThat(unit.problem(round, Optional.empty(), result(stats(10, 4)))).get().asString()
        .contains("2 columns for 3 coefficients");
    Analysis nullRound = Analysis.newBuilder().setGlm(GLM.getGlm().toBuilder().addCoefficients(0)
        .setNullModel(true)).build();
    assertThat(unit.problem(nullRound, Optional.empty(), result(stats(10, 4)))).get().asString()
        .contains("null-model");
  }

  @Test
  void theResearcherSendsNeitherCoefficientsNorNullModelNorNullMean() {
    for (GlmAnalysis bad : List.of(GLM.getGlm().toBuilder().addCoefficients(1).build(),
        GLM.getGlm().toBuilder().setNullModel(true).build(), GLM.getGlm().toBuilder().setNullMean(0.5).build())) {
      assertThatThrownBy(() -> unit.driver(Analysis.newBuilder().setGlm(bad).build()))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not carry coefficients");
    }
    assertThatThrownBy(() -> unit.driver(Analysis.newBuilder().setGlm(GlmAnalysis.newBuilder().setFormula("y ~ x"))
        .build())).hasMessageContaining("needs a family");
  }

  /** Round 0 of an intercept-only logistic model of 3 successes in 10: the next round carries the coefficients. */
  @Test
  void theDriverSendsTheNextCoefficientsWithTheResearchersModel() {
    RoundDriver d = unit.driver(GLM);
    assertThat(d.multiRound()).isTrue();
    assertThat(d.firstRound()).isEqualTo(GLM);
    // R's start for binomial: mu = (w y + 0.5) / (w + 1); here pooled X'WX = sum of mu(1-mu), X'Wz from the sites.
    GlmRoundStats s = GlmRoundStats.newBuilder().setN(10).addColumns("(Intercept)").addXtwx(2.1).addXtwz(-1.2)
        .setDeviance(12.2).setSumWeights(10).setSumWeightedResponse(3).setNullDeviance(12.2).build();
    RoundDriver.Step step = d.next(List.of(SiteOutcome.newBuilder().setNodeId("a")
        .setResult(AnalysisResult.newBuilder().setGlmRound(s)).build()));
    assertThat(step).isInstanceOf(RoundDriver.Continue.class);
    RoundDriver.Continue c = (RoundDriver.Continue) step;
    GlmAnalysis next = c.nextRound().getGlm();
    assertThat(next.getFormula()).isEqualTo("y ~ x");
    assertThat(next.getWeights()).isEqualTo("w");
    assertThat(next.getFamily()).isEqualTo(GlmFamily.BINOMIAL);
    assertThat(next.getCoefficientsList()).hasSize(1);
    assertThat(next.getNullModel()).isFalse();
    assertThat(next.getNullMean()).isEqualTo(0.3);
    assertThat(c.progress().getStage()).isEqualTo("irls");
    assertThat(c.progress().getRelativeChange()).isNaN();
    // A site whose design changes between rounds ends the fit.
    GlmRoundStats other = s.toBuilder().setColumns(0, "x").build();
    assertThat(d.next(List.of(SiteOutcome.newBuilder().setResult(AnalysisResult.newBuilder().setGlmRound(other))
        .build()))).isInstanceOfSatisfying(RoundDriver.Fail.class,
            f -> assertThat(f.reason()).contains("changed between rounds"));
  }

  /** Deviances that never settle: after R's 25 iterations the fit comes back, marked as not converged. */
  @Test
  void aFitThatDoesNotConvergeIsReturnedWithConvergedFalseAndANote() {
    RoundDriver d = unit.driver(GLM);
    RoundDriver.Step step = null;
    for (int round = 0; round < 40 && !(step instanceof RoundDriver.Done); round++) {
      GlmRoundStats s = GlmRoundStats.newBuilder().setN(10).addColumns("(Intercept)").addXtwx(2.1).addXtwz(-1.2)
          .setDeviance(round % 2 == 0 ? 12 : 14).setSumWeights(10).setSumWeightedResponse(3).setNullDeviance(12.2)
          .build();
      step = d.next(List.of(SiteOutcome.newBuilder().setNodeId("a")
          .setResult(AnalysisResult.newBuilder().setGlmRound(s)).build()));
      assertThat(step).isNotInstanceOf(RoundDriver.Fail.class);
    }
    assertThat(step).isInstanceOfSatisfying(RoundDriver.Done.class, done -> {
      assertThat(done.pooled().getModelFit().getConverged()).isFalse();
      assertThat(done.pooled().getModelFit().getIterations()).isEqualTo(25);
      assertThat(done.note()).contains("did not converge after 25 iterations");
    });
  }
}
