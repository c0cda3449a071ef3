package org.fedstats.node.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.node.disclosure.DisclosureRule;
import org.fedstats.node.error.RequestException;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.LinearModelAnalysis;
import org.fedstats.proto.v1.LinearModelStats;
import org.fedstats.proto.v1.Value;
import org.fedstats.stats.glm.Family;
import org.fedstats.stats.glm.GlmControl;
import org.fedstats.stats.glm.GlmFit;
import org.fedstats.stats.glm.GlmRequest;
import org.fedstats.stats.glm.GlmRoundStats;
import org.fedstats.stats.glm.Irls;
import org.fedstats.stats.lm.LinearModel;
import org.fedstats.stats.lm.LmFit;
import org.fedstats.stats.lm.LmStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lm and glm units of three real site nodes, each round through the node's whole pipeline (validation, cohort,
 * local step, disclosure), pooled and driven with the coordinator's statistics: equal to R on the pooled data.
 * Then the model disclosure rules, attacked.
 */
class ModelStepsTest {
  private static final String MODELS = "count, lm, glm, meta";

  @TempDir
  Path tmp;
  private final List<DatasetStore> stores = new ArrayList<>();
  private final List<AnalysisEngine> sites = new ArrayList<>();

  /** Nodes that release models leaving out 5 to 7 records with no lymph node count (the default would refuse). */
  private static final String LENIENT = "min-cell-count: 5";

  @BeforeEach
  void start() throws Exception {
    for (int site = 1; site <= 3; site++) {
      sites.add(engine(site, LENIENT));
    }
  }

  private AnalysisEngine engine(int site, String disclosure) throws Exception {
    NodeSettings settings = SharedData.node(tmp.resolve("site" + site + "-" + stores.size()), "site" + site,
        SharedData.colonDataset(site, MODELS, disclosure));
    DatasetStore store = DatasetStore.open(settings.datasets());
    stores.add(store);
    return new AnalysisEngine(settings, store);
  }

  @AfterEach
  void stop() throws Exception {
    for (DatasetStore s : stores) {
      s.close();
    }
  }

  private static NodeOutcome run(AnalysisEngine e, Filter filter, Analysis a) throws Exception {
    return e.run(new AnalysisEngine.Request("colon", filter != null,
        filter == null ? Filter.getDefaultInstance() : filter, a));
  }

  private static Analysis glm(String formula, GlmFamily family, GlmRequest round) {
    GlmAnalysis.Builder b = GlmAnalysis.newBuilder().setFormula(formula).setFamily(family);
    if (round.beta() != null) {
      for (double v : round.beta()) {
        b.addCoefficients(v);
      }
      b.setNullModel(round.interceptOnly());
    }
    if (!Double.isNaN(round.nullMu())) {
      b.setNullMean(round.nullMu());
    }
    return Analysis.newBuilder().setGlm(b).build();
  }

  private static double[] array(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static GlmRoundStats stats(org.fedstats.proto.v1.GlmRoundStats s) {
    return new GlmRoundStats(s.getN(), array(s.getXtwxList()), array(s.getXtwzList()), s.getDeviance(),
        s.getAicPart(), s.getPearson(), s.getSumLogWeights(), s.getSumWeights(), s.getSumWeightedResponse(),
        s.getNullDeviance(), s.getInvalidRows(), s.getOffsetRows());
  }

  /** One round at every site, pooled. */
  private GlmRoundStats round(String formula, GlmFamily family, GlmRequest request) throws Exception {
    GlmRoundStats pooled = null;
    for (AnalysisEngine site : sites) {
      NodeOutcome o = run(site, null, glm(formula, family, request));
      assertThat(o).as("every round at every site is released").isInstanceOf(NodeOutcome.Answered.class);
      GlmRoundStats s = stats(((NodeOutcome.Answered) o).result().getGlmRound());
      pooled = pooled == null ? s : pooled.plus(s);
    }
    return pooled;
  }

  private static void assertCoefficients(List<Double> estimates, List<Double> errors, JsonNode ref, double tol) {
    for (int i = 0; i < estimates.size(); i++) {
      double e = ref.get("estimate").get(i).asDouble();
      double se = ref.get("std_error").get(i).asDouble();
      assertThat(Math.abs(estimates.get(i) - e) / Math.abs(e)).as("estimate %d", i).isLessThan(tol);
      assertThat(Math.abs(errors.get(i) - se) / se).as("std error %d", i).isLessThan(tol);
    }
  }

  @Test
  void logisticRegressionOverThreeSitesEqualsRsGlm() throws Exception {
    JsonNode colon = SharedData.reference("colon");
    String formula = "status ~ rx + sex + age + nodes + obstruct";
    List<String> columns = List.of("(Intercept)", "rxLev", "rxLev+5FU", "sex", "age", "nodes", "obstruct");
    GlmFit fit = Irls.run(Family.BINOMIAL, columns, GlmControl.defaults(),
        request -> {
          try {
            return round(formula, GlmFamily.BINOMIAL, request);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    assertThat(fit.columns()).containsExactlyElementsOf(
        () -> colon.get("glm_logistic_status").get("terms").valueStream().map(JsonNode::asText).iterator());
    assertCoefficients(fit.estimates(), fit.stdErrors(), colon.get("glm_logistic_status"), 1e-6);
    JsonNode f = colon.get("glm_logistic_status_fit");
    assertThat(fit.iterations()).isEqualTo(f.get("iterations").asInt());
    assertThat(fit.deviance()).isCloseTo(f.get("deviance").asDouble(), org.assertj.core.api.Assertions.within(1e-6));
    assertThat(fit.nullDeviance()).isCloseTo(f.get("null_deviance").asDouble(),
        org.assertj.core.api.Assertions.within(1e-6));
    assertThat(fit.aic()).isCloseTo(f.get("aic").asDouble(), org.assertj.core.api.Assertions.within(1e-6));
    assertThat(fit.dfResidual()).isEqualTo(f.get("df_residual").asLong());
  }

  @Test
  void poissonRegressionOverThreeSitesEqualsRsGlm() throws Exception {
    JsonNode ref = SharedData.reference("colon").get("glm_poisson_nodes");
    String formula = "nodes ~ age + sex + obstruct";
    GlmFit fit = Irls.run(Family.POISSON, List.of("(Intercept)", "age", "sex", "obstruct"), GlmControl.defaults(),
        request -> {
          try {
            return round(formula, GlmFamily.POISSON, request);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
    assertCoefficients(fit.estimates(), fit.stdErrors(), ref, 1e-6);
  }

  @Test
  void linearRegressionOverThreeSitesEqualsRsLm() throws Exception {
    JsonNode colon = SharedData.reference("colon");
    LmStats pooled = null;
    List<String> columns = null;
    for (AnalysisEngine site : sites) {
      NodeOutcome o = run(site, null, Analysis.newBuilder()
          .setLm(LinearModelAnalysis.newBuilder().setFormula("time ~ age + sex + nodes + rx")).build());
      LinearModelStats s = ((NodeOutcome.Answered) o).result().getLmStats();
      columns = s.getColumnsList();
      LmStats local = new LmStats(s.getN(), array(s.getXtxList()), array(s.getXtyList()), s.getYty(), s.getSumY());
      pooled = pooled == null ? local : pooled.plus(local);
    }
    LmFit fit = LinearModel.fit(columns, pooled);
    assertCoefficients(fit.estimates(), fit.stdErrors(), colon.get("lm_time"), 1e-8);
    assertThat(fit.rSquared()).isCloseTo(colon.get("lm_time_fit").get("r_squared").asDouble(),
        org.assertj.core.api.Assertions.within(1e-10));
    assertThat(fit.dfResidual()).isEqualTo(colon.get("lm_time_fit").get("df_residual").asLong());
  }

  @Test
  void eachSiteFitsItsOwnModelForAMetaAnalysisAsRDoesPerSite() throws Exception {
    JsonNode terms = SharedData.reference("colon").get("meta_logistic_status").get("terms");
    Analysis meta = Analysis.newBuilder().setMeta(org.fedstats.proto.v1.MetaAnalysis.newBuilder()
        .setModel(GlmAnalysis.newBuilder().setFormula("status ~ rx + sex + age + nodes + obstruct")
            .setFamily(GlmFamily.BINOMIAL))).build();
    List<org.fedstats.stats.meta.SiteCoefficients> sitesFits = new ArrayList<>();
    for (int site = 0; site < 3; site++) {
      org.fedstats.proto.v1.ModelFit fit = ((NodeOutcome.Answered) run(sites.get(site), null, meta)).result()
          .getModelFit();
      for (int t = 0; t < terms.size(); t++) {
        JsonNode ref = terms.get(t);
        assertThat(fit.getCoefficients(t).getTerm()).isEqualTo(ref.get("term").asText());
        double e = ref.get("site_estimates").get(site).asDouble();
        double v = ref.get("site_variances").get(site).asDouble();
        assertThat(Math.abs(fit.getCoefficients(t).getEstimate() - e) / Math.abs(e)).isLessThan(1e-6);
        double se = fit.getCoefficients(t).getStdError();
        assertThat(Math.abs(se * se - v) / v).isLessThan(1e-6);
      }
      sitesFits.add(org.fedstats.stats.meta.SiteCoefficients.ofStandardErrors(
          fit.getCoefficientsList().stream().map(org.fedstats.proto.v1.Coefficient::getTerm).toList(),
          fit.getCoefficientsList().stream().mapToDouble(org.fedstats.proto.v1.Coefficient::getEstimate).toArray(),
          fit.getCoefficientsList().stream().mapToDouble(org.fedstats.proto.v1.Coefficient::getStdError).toArray()));
    }
    var pooled = org.fedstats.stats.meta.MetaAnalysis.analyseTerms(sitesFits);
    JsonNode rx = terms.get(1);
    assertThat(pooled.get("rxLev").fixed().pooled().estimate())
        .isCloseTo(rx.get("fixed").get("estimate").asDouble(), org.assertj.core.api.Assertions.within(1e-6));
  }

  @Test
  void aModelLeavingOutAFewRecordsForMissingValuesIsRefusedUnderTheDefaultRules() throws Exception {
    // Site 1 has 7 patients without a lymph node count: a model with nodes would tell how many, and who by
    // differencing with the cohort; without nodes the same site answers.
    AnalysisEngine defaults = engine(1, "");
    NodeOutcome o = run(defaults, null, Analysis.newBuilder().setLm(LinearModelAnalysis.newBuilder()
        .setFormula("time ~ age + nodes")).build());
    assertThat(((NodeOutcome.Refused) o).refusal().reason()).contains("left out for a missing value");
    assertThat(run(defaults, null, Analysis.newBuilder().setLm(LinearModelAnalysis.newBuilder()
        .setFormula("time ~ age + sex")).build())).isInstanceOf(NodeOutcome.Answered.class);
  }

  @Test
  void aModelWithTooManyParametersForItsRecordsIsRefusedAtEveryRound() throws Exception {
    // 33 women aged 75 or more at site 1, 6 parameters: 18 per 100 records, allowed; at 10 per 100, refused.
    Filter old = Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("age")
        .setOp(ComparisonOperator.GE).setValue(Value.newBuilder().setNumber(70))).build();
    AnalysisEngine strict = engine(1, "max-parameter-percent: 5, min-cell-count: 5");
    Analysis lm = Analysis.newBuilder().setLm(LinearModelAnalysis.newBuilder()
        .setFormula("time ~ age + sex + nodes + rx")).build();
    NodeOutcome o = run(strict, old, lm);
    assertThat(((NodeOutcome.Refused) o).refusal().rule()).isEqualTo(DisclosureRule.MAX_PARAMETER_PERCENT);
    // The same in a later glm round.
    NodeOutcome later = run(strict, old, glm("status ~ rx + age", GlmFamily.BINOMIAL,
        new GlmRequest(new double[] {0.1, 0.1, 0.1, 0.1}, false, 0.5)));
    assertThat(((NodeOutcome.Refused) later).refusal().rule()).isEqualTo(DisclosureRule.MAX_PARAMETER_PERCENT);
  }

  @Test
  void aTermOrOutcomeClassIsolatingFewRecordsIsRefused() throws Exception {
    // Among patients aged 75+, few at site 1 have an obstructed colon: that 0/1 term isolates them.
    Filter old = Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("age")
        .setOp(ComparisonOperator.GE).setValue(Value.newBuilder().setNumber(75))).build();
    NodeOutcome o = run(engine(1, ""), old, Analysis.newBuilder().setLm(LinearModelAnalysis.newBuilder()
        .setFormula("time ~ obstruct")).build());
    assertThat(((NodeOutcome.Refused) o).refusal().rule()).isEqualTo(DisclosureRule.MIN_CELL_COUNT);
    // The reason names the rule's threshold, never the count that tripped it.
    assertThat(((NodeOutcome.Refused) o).refusal().reason())
        .isEqualTo("a non-zero count of records in a level of a model term is below 10 records");
  }

  private static Analysis weighted(String formula, GlmFamily family, String weights) {
    return Analysis.newBuilder().setGlm(GlmAnalysis.newBuilder().setFormula(formula).setFamily(family)
        .setWeights(weights)).build();
  }

  @Test
  void recordsOfWeightZeroTakeNoPartAndTheirCountIsACell() throws Exception {
    // One patient at site 1 has no positive lymph node: weighted by nodes, that record takes no part, and the model
    // would tell how many records it dropped; cells of 5 refuse that count of 1, cells of 1 allow it.
    String formula = "status ~ rx + age";
    NodeOutcome refused = run(sites.getFirst(), null, weighted(formula, GlmFamily.BINOMIAL, "nodes"));
    assertThat(((NodeOutcome.Refused) refused).refusal().rule()).isEqualTo(DisclosureRule.MIN_CELL_COUNT);
    assertThat(((NodeOutcome.Refused) refused).refusal().reason()).contains("records of weight 0");
    AnalysisEngine cellsOfOne = engine(1, "min-cell-count: 1");
    long unweighted = ((NodeOutcome.Answered) run(cellsOfOne, null, glm(formula + " + nodes", GlmFamily.BINOMIAL,
        GlmRequest.start()))).result().getGlmRound().getN();
    long positive = ((NodeOutcome.Answered) run(cellsOfOne, null, weighted(formula, GlmFamily.BINOMIAL, "nodes")))
        .result().getGlmRound().getN();
    assertThat(positive).isEqualTo(unweighted - 1);
    // A 0/1 weight selects records as a filter does: the model's size for the disclosure rules is theirs. About 60
    // patients at site 1 have an obstructed colon, enough for 40 residual degrees of freedom but not 100.
    AnalysisEngine strict = engine(1, "min-residual-df: 100");
    assertThat(run(strict, null, glm(formula, GlmFamily.BINOMIAL, GlmRequest.start())))
        .isInstanceOf(NodeOutcome.Answered.class);
    NodeOutcome selected = run(strict, null, weighted(formula, GlmFamily.BINOMIAL, "obstruct"));
    assertThat(((NodeOutcome.Refused) selected).refusal().rule()).isEqualTo(DisclosureRule.MIN_RESIDUAL_DF);
    assertThat(run(engine(1, "min-residual-df: 40"), null, weighted(formula, GlmFamily.BINOMIAL, "obstruct")))
        .isInstanceOf(NodeOutcome.Answered.class);
  }

  @Test
  void aResponseOrWeightTheModelCannotTakeIsAFailedPreconditionThatTellsNoValue() throws Exception {
    AnalysisEngine e = sites.getFirst();
    assertThatThrownBy(() -> run(e, null, glm("nodes ~ age", GlmFamily.BINOMIAL, GlmRequest.start())))
        .isInstanceOfSatisfying(RequestException.class,
            x -> assertThat(x.code()).isEqualTo(io.grpc.Status.Code.FAILED_PRECONDITION))
        .hasMessage("a binomial model needs a response in [0, 1]; nodes has other values at this site");
    assertThatThrownBy(() -> run(e, null, Analysis.newBuilder().setMeta(org.fedstats.proto.v1.MetaAnalysis
        .newBuilder().setModel(GlmAnalysis.newBuilder().setFormula("nodes ~ age").setFamily(GlmFamily.BINOMIAL)))
        .build())).hasMessage("a binomial model needs a response in [0, 1]; nodes has other values at this site");
    // A negative weight: a dataset of 40 records, one of weight -1.
    StringBuilder csv = new StringBuilder("y,x,w\n");
    for (int i = 0; i < 40; i++) {
      csv.append(i % 2).append(',').append(i).append(',').append(i == 17 ? -1 : 1 + i % 3).append('\n');
    }
    Path file = tmp.resolve("negative.csv");
    java.nio.file.Files.writeString(file, csv);
    NodeSettings settings = SharedData.node(tmp.resolve("negative"), "site1", """
          - name: colon
            files: ["%s"]
            analyses: [glm, meta]
            variables:
              - {name: y, type: integer}
              - {name: x, type: integer}
              - {name: w, type: numeric}
        """.formatted(file));
    DatasetStore store = DatasetStore.open(settings.datasets());
    stores.add(store);
    AnalysisEngine negative = new AnalysisEngine(settings, store);
    assertThatThrownBy(() -> run(negative, null, weighted("y ~ x", GlmFamily.BINOMIAL, "w")))
        .isInstanceOfSatisfying(RequestException.class,
            x -> assertThat(x.code()).isEqualTo(io.grpc.Status.Code.FAILED_PRECONDITION))
        .hasMessage("prior weights must not be negative (as in R's glm); w has a negative value at this site");
    assertThat(run(negative, null, weighted("y ~ x", GlmFamily.BINOMIAL, ""))).isInstanceOf(NodeOutcome.Answered.class);
  }

  /**
   * With an offset and an intercept, the null deviance comes from the intercept-only fit with the offset, started
   * (as R starts it) at the full model's fitted values: its first round carries the full model's coefficients and
   * answers the intercept's part of the full model's round at them.
   */
  @Test
  void theFirstNullModelRoundWithAnOffsetIsEvaluatedAtTheFullModelsCoefficients() throws Exception {
    AnalysisEngine e = sites.getFirst();
    double[] beta = {-0.5, 0.03, -0.1, -0.05, -0.005};
    GlmAnalysis.Builder model = GlmAnalysis.newBuilder().setFormula("nodes ~ rx + sex + age")
        .setFamily(GlmFamily.POISSON).setOffset("differ");
    for (double b : beta) {
      model.addCoefficients(b);
    }
    org.fedstats.proto.v1.GlmRoundStats full = ((NodeOutcome.Answered) run(e, null, Analysis.newBuilder()
        .setGlm(model.clone()).build())).result().getGlmRound();
    NodeOutcome outcome = run(e, null, Analysis.newBuilder().setGlm(model.clone().setNullModel(true)).build());
    assertThat(outcome).isInstanceOf(NodeOutcome.Answered.class);
    org.fedstats.proto.v1.GlmRoundStats nullRound = ((NodeOutcome.Answered) outcome).result().getGlmRound();
    assertThat(nullRound.getColumnsList()).containsExactly("(Intercept)");
    assertThat(nullRound.getN()).isEqualTo(full.getN());
    assertThat(nullRound.getOffsetRows()).isEqualTo(full.getOffsetRows()).isEqualTo(full.getN());
    assertThat(nullRound.getDeviance()).isEqualTo(full.getDeviance());
    assertThat(nullRound.getXtwxList()).containsExactly(full.getXtwx(0));
    assertThat(nullRound.getXtwzList()).containsExactly(full.getXtwz(0));
    // An offset that is 0 for most records (obstruct) is still every row's: how many are not 0 is not told.
    org.fedstats.proto.v1.GlmRoundStats mostlyZero = ((NodeOutcome.Answered) run(e, null, Analysis.newBuilder()
        .setGlm(model.clone().setOffset("obstruct")).build())).result().getGlmRound();
    assertThat(mostlyZero.getOffsetRows()).isEqualTo(mostlyZero.getN());
    org.fedstats.proto.v1.GlmRoundStats none = ((NodeOutcome.Answered) run(e, null, Analysis.newBuilder()
        .setGlm(model.clone().clearOffset()).build())).result().getGlmRound();
    assertThat(none.getOffsetRows()).isZero();
    // Later null-model rounds carry the intercept alone; any other number of coefficients is refused.
    assertThat(run(e, null, Analysis.newBuilder().setGlm(model.clone().clearCoefficients().addCoefficients(0.2)
        .setNullModel(true)).build())).isInstanceOf(NodeOutcome.Answered.class);
    assertThatThrownBy(() -> run(e, null, Analysis.newBuilder().setGlm(model.clone().clearCoefficients()
        .addCoefficients(0.2).addCoefficients(0.1).setNullModel(true)).build()))
        .isInstanceOf(RequestException.class)
        .hasMessageContaining("carries 2 coefficients; the null model has 1 (or, in its first round, the model's 5)");
  }

  @Test
  void roundsCarryOnlyBoundedCoefficientsOfTheRightNumber() throws Exception {
    AnalysisEngine e = sites.getFirst();
    String formula = "status ~ rx + age";
    assertThatThrownBy(() -> run(e, null, glm(formula, GlmFamily.BINOMIAL,
        new GlmRequest(new double[] {1, 2}, false, Double.NaN)))).isInstanceOf(RequestException.class)
        .hasMessageContaining("carries 2 coefficients; the model has 4");
    assertThatThrownBy(() -> run(e, null, glm(formula, GlmFamily.BINOMIAL,
        new GlmRequest(new double[] {0, 0, 0, 2e6}, false, Double.NaN))))
        .hasMessageContaining("at most 1000000.0 in absolute value");
    // A researcher's vector smuggled in as coefficients of a wider model is the same: the width is the design's.
    assertThatThrownBy(() -> run(e, null, glm(formula, GlmFamily.BINOMIAL,
        new GlmRequest(new double[309], false, Double.NaN)))).hasMessageContaining("carries 309 coefficients");
    assertThatThrownBy(() -> run(e, null, Analysis.newBuilder().setGlm(GlmAnalysis.newBuilder()
        .setFormula(formula)).build())).hasMessageContaining("needs a family");
    assertThatThrownBy(() -> run(e, null, Analysis.newBuilder().setLm(LinearModelAnalysis.newBuilder()
        .setFormula("time ~ age +")).build())).hasMessageContaining("formula 'time ~ age +'");
    assertThatThrownBy(() -> run(e, null, Analysis.newBuilder().setLm(LinearModelAnalysis.newBuilder()
        .setFormula("time ~ agee")).build())).hasMessageContaining("did you mean 'age'");
  }
}
