package org.fedstats.coordinator.analysis.meta;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import org.fedstats.coordinator.analysis.RoundDriver;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.Coefficient;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.MetaAnalysis;
import org.fedstats.proto.v1.MetaTerm;
import org.fedstats.proto.v1.ModelFit;
import org.fedstats.proto.v1.SiteOutcome;
import org.junit.jupiter.api.Test;

class MetaAnalysisUnitTest {
  private static final Analysis META = Analysis.newBuilder().setMeta(MetaAnalysis.newBuilder()
      .setModel(GlmAnalysis.newBuilder().setFormula("y ~ x").setFamily(GlmFamily.BINOMIAL))).build();
  private final MetaAnalysisUnit unit = new MetaAnalysisUnit();

  /** A site's fit with intercept (0, se 1) and x (estimate, se 1). */
  private static AnalysisResult fit(double x, String... terms) {
    ModelFit.Builder b = ModelFit.newBuilder();
    for (String t : terms.length == 0 ? new String[] {"(Intercept)", "x"} : terms) {
      b.addCoefficients(Coefficient.newBuilder().setTerm(t).setEstimate(t.equals("x") ? x : 0).setStdError(1));
    }
    return AnalysisResult.newBuilder().setModelFit(b).build();
  }

  @Test
  void everyTermIsPooledByFixedAndRandomEffects() {
    // x: 1 and 3 with variance 1: fixed 2 (se √½), Q = 2, I² = 50%, DerSimonian-Laird τ² = (2 − 1) / (2 − 1) = 1.
    RoundDriver.Step step = unit.driver(META).next(List.of(
        SiteOutcome.newBuilder().setNodeId("a").setResult(fit(1)).build(),
        SiteOutcome.newBuilder().setNodeId("b").setResult(fit(3)).build()));
    MetaTerm x = ((RoundDriver.Done) step).pooled().getMeta().getTerms(1);
    assertThat(x.getTerm()).isEqualTo("x");
    assertThat(x.getNodeIdsList()).containsExactly("a", "b");
    assertThat(x.getSiteEstimatesList()).containsExactly(1.0, 3.0);
    assertThat(x.getSiteVariancesList()).containsExactly(1.0, 1.0);
    assertThat(x.getFixed().getEstimate()).isCloseTo(2, within(1e-12));
    assertThat(x.getFixed().getStdError()).isCloseTo(Math.sqrt(0.5), within(1e-12));
    assertThat(x.getQ()).isCloseTo(2, within(1e-12));
    assertThat(x.getI2()).isCloseTo(50, within(1e-9));
    assertThat(x.getDersimonianLaird().getTau2()).isCloseTo(1, within(1e-12));
    assertThat(x.getDersimonianLaird().getStdError()).isCloseTo(1, within(1e-12));
    assertThat(x.getReml().getEstimate()).isCloseTo(2, within(1e-12));
    assertThat(((RoundDriver.Done) step).pooled().getMeta().getFamily()).isEqualTo("binomial");
    assertThat(unit.driver(META).multiRound()).isFalse();
  }

  @Test
  void sitesWithOtherTermsAreNotPooled() {
    assertThatThrownBy(() -> unit.combine(META, List.of(fit(1), fit(2, "(Intercept)", "z"))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("disagree on the terms");
    assertThat(unit.driver(META).next(List.of(SiteOutcome.newBuilder().setResult(fit(1)).build(),
        SiteOutcome.newBuilder().setResult(fit(1, "x")).build()))).isInstanceOf(RoundDriver.Fail.class);
  }

  @Test
  void malformedSiteFitsAreProblemsNotExceptions() {
    assertThat(unit.problem(META, Optional.empty(), fit(1))).isEmpty();
    assertThat(unit.problem(META, Optional.empty(), fit(Double.NaN))).get().asString().contains("not a finite");
    AnalysisResult zeroSe = AnalysisResult.newBuilder().setModelFit(fit(1).getModelFit().toBuilder()
        .setCoefficients(1, Coefficient.newBuilder().setTerm("x").setEstimate(1).setStdError(0))).build();
    assertThat(unit.problem(META, Optional.empty(), zeroSe)).get().asString().contains("standard error");
    assertThat(unit.problem(META, Optional.empty(), fit(1, "x", "x"))).contains("a model fit naming a term twice");
    assertThat(unit.problem(META, Optional.empty(), AnalysisResult.newBuilder()
        .setModelFit(ModelFit.getDefaultInstance()).build())).contains("a model fit without coefficients");
    assertThat(unit.problem(META, Optional.empty(),
        AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(3)).build()))
        .contains("a count result was sent for a meta request");
  }

  @Test
  void theModelNeedsAFormulaAndAFamilyAndNoRoundState() {
    assertThatThrownBy(() -> unit.driver(Analysis.newBuilder().setMeta(MetaAnalysis.newBuilder()
        .setModel(GlmAnalysis.newBuilder().setFormula("y ~ x"))).build())).hasMessageContaining("family");
    assertThatThrownBy(() -> unit.driver(Analysis.newBuilder().setMeta(MetaAnalysis.newBuilder()
        .setModel(META.getMeta().getModel().toBuilder().addCoefficients(1))).build()))
        .hasMessageContaining("must not carry coefficients");
  }
}
