package org.fedstats.coordinator.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.fedstats.coordinator.testing.FakeNode;
import org.fedstats.coordinator.testing.InProcessFederation;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.ChiSquaredAnalysis;
import org.fedstats.proto.v1.ChiSquaredResult;
import org.fedstats.proto.v1.Coefficient;
import org.fedstats.proto.v1.CorrelationAnalysis;
import org.fedstats.proto.v1.CorrelationResult;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.LinearModelAnalysis;
import org.fedstats.proto.v1.MetaResult;
import org.fedstats.proto.v1.MetaTerm;
import org.fedstats.proto.v1.ModelFit;
import org.fedstats.proto.v1.NodeServiceGrpc;
import org.fedstats.proto.v1.RoundProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model analyses over three real nodes on in-process transport, compared with R's values on the pooled data.
 * Prints the largest relative error against R of each comparison.
 */
class ModelsOverRealNodesTest {
  private static final String ANALYSES = "count, lm, glm, correlation, chisq, meta";
  private static final String LOGISTIC = "status ~ rx + sex + age + nodes + obstruct";

  @TempDir
  Path tmp;

  @RegisterExtension
  final InProcessFederation sites = new InProcessFederation();

  /**
   * The sites leave 5 to 7 patients out of a model with nodes (no lymph node count); the default min-cell-count of
   * 10 refuses to tell that count, so these nodes allow 5.
   */
  private static final String LENIENT = "min-cell-count: 5";

  private Federation federation(String disclosure) throws Exception {
    List<NodeClient> clients = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      clients.add(inProcessNode("site" + i, SharedData.colonDataset(i, ANALYSES, disclosure)));
    }
    return start(clients);
  }

  private Federation start(List<NodeClient> clients) {
    return sites.federation(Duration.ofSeconds(30), clients);
  }

  private NodeClient inProcessNode(String nodeId, String datasets) throws Exception {
    return sites.node(SharedData.node(tmp, nodeId, datasets));
  }

  private static AnalysisRequest request(Analysis analysis) {
    return AnalysisRequest.newBuilder().setDataset("colon").setAnalysis(analysis).build();
  }

  static Analysis glm(String formula, GlmFamily family) {
    return Analysis.newBuilder().setGlm(GlmAnalysis.newBuilder().setFormula(formula).setFamily(family)).build();
  }

  static double relative(double actual, double expected) {
    return Math.abs(actual - expected) / Math.abs(expected);
  }

  /** The largest relative error of the estimates and standard errors against R's; asserts each below tol. */
  static double assertCoefficients(ModelFit fit, JsonNode ref, double tol) {
    double worst = 0;
    assertThat(fit.getCoefficientsList().stream().map(Coefficient::getTerm).toList())
        .containsExactlyElementsOf(ref.get("terms").valueStream().map(JsonNode::asText).toList());
    for (int i = 0; i < fit.getCoefficientsCount(); i++) {
      double e = relative(fit.getCoefficients(i).getEstimate(), ref.get("estimate").get(i).asDouble());
      double se = relative(fit.getCoefficients(i).getStdError(), ref.get("std_error").get(i).asDouble());
      assertThat(e).as("estimate %d", i).isLessThan(tol);
      assertThat(se).as("std error %d", i).isLessThan(tol);
      worst = Math.max(worst, Math.max(e, se));
    }
    return worst;
  }

  @Test
  void logisticRegressionEqualsRsGlm() throws Exception {
    Federation f = federation(LENIENT);
    List<RoundProgress> progress = new CopyOnWriteArrayList<>();
    AnalysisResponse r = f.runAsync(request(glm(LOGISTIC, GlmFamily.BINOMIAL)), "alice", progress::add).join();
    assertThat(r.getPooledAvailable()).as(r.getPooledNote()).isTrue();
    JsonNode colon = SharedData.reference("colon");
    ModelFit fit = r.getPooled().getModelFit();
    double worst = assertCoefficients(fit, colon.get("glm_logistic_status"), 1e-6);
    JsonNode ref = colon.get("glm_logistic_status_fit");
    assertThat(fit.getIterations()).isEqualTo(ref.get("iterations").asInt());
    assertThat(fit.getConverged()).isTrue();
    assertThat(fit.getDeviance()).isCloseTo(ref.get("deviance").asDouble(), within(1e-6));
    assertThat(fit.getNullDeviance()).isCloseTo(ref.get("null_deviance").asDouble(), within(1e-6));
    assertThat(fit.getAic()).isCloseTo(ref.get("aic").asDouble(), within(1e-6));
    assertThat(fit.getDfResidual()).isEqualTo(ref.get("df_residual").asLong());
    assertThat(fit.getDfNull()).isEqualTo(ref.get("df_residual").asLong() + 6);
    assertThat(fit.getFamily()).isEqualTo("binomial");
    assertThat(fit.getStatisticName()).isEqualTo("z");
    assertThat(fit.getFormula()).isEqualTo(LOGISTIC);
    assertThat(r.getPooledNote()).contains("converged after 4 iterations");
    assertThat(r.getRounds()).isEqualTo(progress.size()).isGreaterThanOrEqualTo(4);
    assertThat(progress.getFirst().getRelativeChange()).isNaN();
    assertThat(progress.getFirst().getStage()).isEqualTo("irls");
    assertThat(progress.getLast().getRelativeChange()).isLessThan(1e-8);
    SharedData.report(String.format("glm logistic: max relative error vs R %.3g", worst));
  }

  @Test
  void poissonRegressionEqualsRsGlm() throws Exception {
    AnalysisResponse r = federation(LENIENT).run(request(glm("nodes ~ age + sex + obstruct", GlmFamily.POISSON)),
        "alice");
    assertThat(r.getPooledAvailable()).as(r.getPooledNote()).isTrue();
    double worst = assertCoefficients(r.getPooled().getModelFit(), SharedData.reference("colon")
        .get("glm_poisson_nodes"), 1e-6);
    assertThat(r.getPooled().getModelFit().getFamily()).isEqualTo("poisson");
    SharedData.report(String.format("glm poisson: max relative error vs R %.3g", worst));
  }

  @Test
  void aGlmRoundRefusedAtOneSiteGivesNoPooledValueAndSaysInWhichRound() throws Exception {
    // site3 answers as a real node in rounds 0 and 1, and refuses round 2.
    NodeServiceGrpc.NodeServiceBlockingStub real = NodeServiceGrpc.newBlockingStub(sites.channel(
        sites.serve(SharedData.node(tmp, "site3", SharedData.colonDataset(3, ANALYSES, LENIENT)))));
    FakeNode site3 = sites.fake("site3");
    site3.answers.set(r -> real.runAnalysis(r).getResult());
    site3.refuses.set(r -> r.getRound() == 2);
    Federation f = start(List.of(inProcessNode("site1", SharedData.colonDataset(1, ANALYSES, LENIENT)),
        inProcessNode("site2", SharedData.colonDataset(2, ANALYSES, LENIENT)), site3.client(sites.meters())));
    AnalysisResponse r = f.run(request(glm(LOGISTIC, GlmFamily.BINOMIAL)), "alice");
    assertThat(r.getPooledAvailable()).isFalse();
    assertThat(r.hasPooled()).isFalse();
    assertThat(r.getPooledNote()).startsWith("no pooled value: in round 2").contains("site3");
    assertThat(r.getRounds()).isEqualTo(3);
  }

  @Test
  void linearRegressionEqualsRsLm() throws Exception {
    AnalysisResponse r = federation(LENIENT).run(request(Analysis.newBuilder().setLm(LinearModelAnalysis.newBuilder()
        .setFormula("time ~ age + sex + nodes + rx")).build()), "alice");
    assertThat(r.getPooledAvailable()).as(r.getPooledNote()).isTrue();
    JsonNode colon = SharedData.reference("colon");
    ModelFit fit = r.getPooled().getModelFit();
    double worst = assertCoefficients(fit, colon.get("lm_time"), 1e-8);
    JsonNode ref = colon.get("lm_time_fit");
    for (String[] field : new String[][] {{"r_squared", "R2"}, {"adj_r_squared", "adjR2"}, {"sigma", "sigma"}}) {
      double actual = switch (field[0]) {
        case "r_squared" -> fit.getRSquared();
        case "adj_r_squared" -> fit.getAdjRSquared();
        default -> fit.getSigma();
      };
      double e = relative(actual, ref.get(field[0]).asDouble());
      assertThat(e).as(field[1]).isLessThan(1e-8);
      worst = Math.max(worst, e);
    }
    assertThat(fit.getDfResidual()).isEqualTo(ref.get("df_residual").asLong());
    assertThat(fit.getN()).isEqualTo(fit.getDfResidual() + 6);
    assertThat(fit.getFStatistic()).isPositive();
    assertThat(r.getRounds()).isEqualTo(1);
    SharedData.report(String.format("lm: max relative error vs R %.3g", worst));
  }

  @Test
  void chiSquaredTestEqualsRsChisqTest() throws Exception {
    AnalysisResponse r = federation(LENIENT).run(request(Analysis.newBuilder().setChisq(ChiSquaredAnalysis.newBuilder()
        .setRowVariable("rx").setColumnVariable("status")).build()), "alice");
    assertThat(r.getPooledAvailable()).as(r.getPooledNote()).isTrue();
    ChiSquaredResult chisq = r.getPooled().getChisq();
    double e = relative(chisq.getStatistic(), SharedData.reference("colon").get("chisq_rx_status").asDouble());
    assertThat(e).isLessThan(1e-10);
    assertThat(chisq.getDf()).isEqualTo(2);
    assertThat(chisq.getTable().getRowLevelsList()).containsExactly("Obs", "Lev", "Lev+5FU");
    SharedData.report(String.format("chisq: relative error vs R %.3g", e));
  }

  /**
   * Site 1 leaves fewer than 10 records out for a missing value of nodes, so under the default minimum cell count
   * it refuses; these nodes allow cells of 1.
   */
  @Test
  void correlationEqualsRsCor() throws Exception {
    AnalysisResponse r = federation("min-cell-count: 1").run(request(Analysis.newBuilder().setCorrelation(
        CorrelationAnalysis.newBuilder().addVariables("age").addVariables("nodes")).build()), "alice");
    assertThat(r.getPooledAvailable()).as(r.getPooledNote()).isTrue();
    CorrelationResult c = r.getPooled().getCorrelation();
    double e = relative(c.getCorrelation(1), SharedData.reference("colon").get("cor_age_nodes").asDouble());
    assertThat(e).isLessThan(1e-10);
    assertThat(c.getCorrelation(2)).isEqualTo(c.getCorrelation(1));
    assertThat(c.getPValue(1)).isBetween(0.0, 1.0);
    assertThat(c.getPooled().getVariablesList()).containsExactly("age", "nodes");
    SharedData.report(String.format("correlation: relative error vs R %.3g", e));
  }

  /** |actual − expected| relative to |expected|, or absolute when R's value is 0 (τ², I²). */
  private static double error(double actual, JsonNode expected) {
    double e = expected.asDouble();
    return e == 0 ? Math.abs(actual) : relative(actual, e);
  }

  @Test
  void metaAnalysisEqualsMetaforPerTerm() throws Exception {
    AnalysisResponse r = federation(LENIENT).run(request(Analysis.newBuilder().setMeta(
        org.fedstats.proto.v1.MetaAnalysis.newBuilder().setModel(GlmAnalysis.newBuilder().setFormula(LOGISTIC)
            .setFamily(GlmFamily.BINOMIAL))).build()), "alice");
    assertThat(r.getPooledAvailable()).as(r.getPooledNote()).isTrue();
    MetaResult meta = r.getPooled().getMeta();
    JsonNode terms = SharedData.reference("colon").get("meta_logistic_status").get("terms");
    assertThat(meta.getTermsCount()).isEqualTo(terms.size());
    double worst = 0;
    for (int t = 0; t < terms.size(); t++) {
      JsonNode ref = terms.get(t);
      MetaTerm term = meta.getTerms(t);
      assertThat(term.getTerm()).isEqualTo(ref.get("term").asText());
      assertThat(term.getNodeIdsList()).containsExactly("site1", "site2", "site3");
      List<Double> errors = new ArrayList<>();
      for (int s = 0; s < 3; s++) {
        errors.add(error(term.getSiteEstimates(s), ref.get("site_estimates").get(s)));
        errors.add(error(term.getSiteVariances(s), ref.get("site_variances").get(s)));
      }
      JsonNode fixed = ref.get("fixed");
      errors.add(error(term.getFixed().getEstimate(), fixed.get("estimate")));
      errors.add(error(term.getFixed().getStdError(), fixed.get("std_error")));
      errors.add(error(term.getQ(), fixed.get("Q")));
      errors.add(error(term.getI2(), fixed.get("I2")));
      for (var pair : List.of(java.util.Map.entry(term.getDersimonianLaird(), ref.get("dersimonian_laird")),
          java.util.Map.entry(term.getReml(), ref.get("reml")))) {
        errors.add(error(pair.getKey().getEstimate(), pair.getValue().get("estimate")));
        errors.add(error(pair.getKey().getStdError(), pair.getValue().get("std_error")));
        errors.add(error(pair.getKey().getTau2(), pair.getValue().get("tau2")));
      }
      double max = errors.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
      assertThat(max).as("term %s: %s", ref.get("term").asText(), errors).isLessThan(1e-6);
      worst = Math.max(worst, max);
    }
    SharedData.report(String.format("meta: max relative error vs metafor %.3g", worst));
  }

  @Test
  void aMetaAnalysisOverTheSitesThatAnsweredWhenPartialResultsAreAllowed() throws Exception {
    Federation f = start(List.of(inProcessNode("site1", SharedData.colonDataset(1, ANALYSES, LENIENT)),
        sites.down("site2"),
        inProcessNode("site3", SharedData.colonDataset(3, ANALYSES, LENIENT))));
    AnalysisResponse r = f.run(request(Analysis.newBuilder().setMeta(org.fedstats.proto.v1.MetaAnalysis.newBuilder()
        .setModel(GlmAnalysis.newBuilder().setFormula(LOGISTIC).setFamily(GlmFamily.BINOMIAL))).build())
        .toBuilder().setAllowPartial(true).build(), "alice");
    assertThat(r.getPooledAvailable()).as(r.getPooledNote()).isTrue();
    JsonNode terms = SharedData.reference("colon").get("meta_logistic_status").get("terms");
    MetaTerm rx = r.getPooled().getMeta().getTerms(1);
    assertThat(rx.getNodeIdsList()).containsExactly("site1", "site3");
    assertThat(rx.getSiteEstimatesList()).hasSize(2);
    assertThat(relative(rx.getSiteEstimates(1), terms.get(1).get("site_estimates").get(2).asDouble()))
        .isLessThan(1e-6);
  }
}
