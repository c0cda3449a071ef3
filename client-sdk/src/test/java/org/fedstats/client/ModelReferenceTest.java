package org.fedstats.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisEvent;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.ChiSquaredAnalysis;
import org.fedstats.proto.v1.Coefficient;
import org.fedstats.proto.v1.CorrelationAnalysis;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.LinearModelAnalysis;
import org.fedstats.proto.v1.MetaAnalysis;
import org.fedstats.proto.v1.MetaTerm;
import org.fedstats.proto.v1.ModelFit;
import org.fedstats.proto.v1.RoundProgress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Models and tests end to end over real Netty on loopback: a coordinator and three nodes, each holding one site
 * file; every pooled value equals what R computed on the pooled data (lm 1e-8, glm 1e-6 relative, GLM iterations
 * exactly). The nodes allow models leaving out up to 5 records for a missing value (the site files have 5 to 7
 * patients without a lymph node count; the default of 10 would refuse every model with nodes).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelReferenceTest {
  private static final String MODELS = "count, lm, glm, correlation, chisq, meta";
  private NettyFederation federation;
  private FederationServiceGrpc.FederationServiceBlockingStub stub;
  private JsonNode colon;
  private JsonNode infert;

  /** Where the nodes read the site data: the files, here; PostgreSQL in {@code PostgresModelReferenceTest}. */
  SharedData.Storage storage() {
    return SharedData.Storage.FILES;
  }

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    colon = SharedData.reference("colon");
    infert = SharedData.reference("infert");
    federation = new NettyFederation(tmp, site -> SharedData.colonDataset(storage(), site, MODELS,
        "min-cell-count: 5") + SharedData.infertDataset(storage(), site, MODELS, "min-cell-count: 5"));
    stub = federation.researcher();
  }

  @AfterAll
  void stop() throws Exception {
    if (federation != null) {
      federation.close();
    }
  }

  private AnalysisResponse run(String dataset, Analysis analysis) {
    return stub.runAnalysis(AnalysisRequest.newBuilder().setDataset(dataset).setAnalysis(analysis).build());
  }

  private static Analysis glm(String formula, GlmFamily family) {
    return Analysis.newBuilder().setGlm(GlmAnalysis.newBuilder().setFormula(formula).setFamily(family)).build();
  }

  private static void assertCoefficients(ModelFit fit, JsonNode ref, double tolerance) {
    List<Coefficient> c = fit.getCoefficientsList();
    assertThat(c).hasSize(ref.get("terms").size());
    for (int i = 0; i < c.size(); i++) {
      assertThat(c.get(i).getTerm()).isEqualTo(ref.get("terms").get(i).asText());
      double e = ref.get("estimate").get(i).asDouble();
      double se = ref.get("std_error").get(i).asDouble();
      assertThat(Math.abs(c.get(i).getEstimate() - e) / Math.abs(e)).as("estimate of %s", c.get(i).getTerm())
          .isLessThan(tolerance);
      assertThat(Math.abs(c.get(i).getStdError() - se) / se).as("std error of %s", c.get(i).getTerm())
          .isLessThan(tolerance);
    }
  }

  @Test
  void logisticRegressionEqualsRsGlmAndStreamsItsRounds() {
    AnalysisRequest request = AnalysisRequest.newBuilder().setDataset("colon")
        .setAnalysis(glm("status ~ rx + sex + age + nodes + obstruct", GlmFamily.BINOMIAL)).build();
    List<RoundProgress> rounds = new ArrayList<>();
    AnalysisResponse response = null;
    for (Iterator<AnalysisEvent> events = stub.runAnalysisStream(request); events.hasNext(); ) {
      AnalysisEvent e = events.next();
      if (e.hasProgress()) {
        rounds.add(e.getProgress());
      } else {
        response = e.getResponse();
      }
    }
    assertThat(response).isNotNull();
    assertThat(response.getPooledAvailable()).as(response.getPooledNote()).isTrue();
    ModelFit fit = response.getPooled().getModelFit();
    assertCoefficients(fit, colon.get("glm_logistic_status"), 1e-6);
    JsonNode f = colon.get("glm_logistic_status_fit");
    assertThat(fit.getIterations()).isEqualTo(f.get("iterations").asInt());
    assertThat(fit.getDeviance()).isCloseTo(f.get("deviance").asDouble(), within(1e-6));
    assertThat(fit.getNullDeviance()).isCloseTo(f.get("null_deviance").asDouble(), within(1e-6));
    assertThat(fit.getAic()).isCloseTo(f.get("aic").asDouble(), within(1e-6));
    assertThat(fit.getDfResidual()).isEqualTo(f.get("df_residual").asLong());
    assertThat(fit.getConverged()).isTrue();
    // Every round was reported as it completed, in order, under one session.
    assertThat(rounds).isNotEmpty();
    assertThat(rounds).extracting(RoundProgress::getRound).isSorted();
    assertThat(rounds).extracting(RoundProgress::getSessionId).containsOnly(response.getSessionId());
    assertThat(response.getRounds()).isGreaterThanOrEqualTo(fit.getIterations());
  }

  @Test
  void poissonAndInfertLogisticRegressionsEqualR() {
    assertCoefficients(run("colon", glm("nodes ~ age + sex + obstruct", GlmFamily.POISSON)).getPooled()
        .getModelFit(), colon.get("glm_poisson_nodes"), 1e-6);
    assertCoefficients(run("infert", glm("case ~ age + parity + induced + spontaneous", GlmFamily.BINOMIAL))
        .getPooled().getModelFit(), infert.get("glm_logistic_case"), 1e-6);
  }

  @Test
  void linearRegressionEqualsRsLm() {
    ModelFit fit = run("colon", Analysis.newBuilder().setLm(LinearModelAnalysis.newBuilder()
        .setFormula("time ~ age + sex + nodes + rx")).build()).getPooled().getModelFit();
    assertCoefficients(fit, colon.get("lm_time"), 1e-8);
    JsonNode f = colon.get("lm_time_fit");
    assertThat(fit.getRSquared()).isCloseTo(f.get("r_squared").asDouble(), within(1e-10));
    assertThat(fit.getAdjRSquared()).isCloseTo(f.get("adj_r_squared").asDouble(), within(1e-10));
    assertThat(fit.getSigma()).isCloseTo(f.get("sigma").asDouble(), within(1e-8 * f.get("sigma").asDouble()));
    assertThat(fit.getDfResidual()).isEqualTo(f.get("df_residual").asLong());
    assertThat(fit.getDfNull() - fit.getDfResidual()).as("the F test's numerator df").isEqualTo(5);
    assertCoefficients(run("infert", Analysis.newBuilder().setLm(LinearModelAnalysis.newBuilder()
        .setFormula("age ~ parity + induced + spontaneous")).build()).getPooled().getModelFit(),
        infert.get("lm_age"), 1e-8);
  }

  @Test
  void chiSquaredAndCorrelationEqualR() {
    var chisq = run("colon", Analysis.newBuilder().setChisq(ChiSquaredAnalysis.newBuilder().setRowVariable("rx")
        .setColumnVariable("status")).build()).getPooled().getChisq();
    assertThat(chisq.getStatistic()).isCloseTo(colon.get("chisq_rx_status").asDouble(), within(1e-9));
    assertThat(chisq.getDf()).isEqualTo(2);
    var cor = run("colon", Analysis.newBuilder().setCorrelation(CorrelationAnalysis.newBuilder()
        .addVariables("age").addVariables("nodes")).build()).getPooled().getCorrelation();
    assertThat(cor.getCorrelation(1)).isCloseTo(colon.get("cor_age_nodes").asDouble(), within(1e-12));
    var infertCor = run("infert", Analysis.newBuilder().setCorrelation(CorrelationAnalysis.newBuilder()
        .addVariables("age").addVariables("parity")).build()).getPooled().getCorrelation();
    assertThat(infertCor.getCorrelation(1)).isCloseTo(infert.get("cor_age_parity").asDouble(), within(1e-12));
  }

  @Test
  void metaAnalysisOfPerSiteFitsEqualsMetafor() {
    var meta = run("colon", Analysis.newBuilder().setMeta(MetaAnalysis.newBuilder()
        .setModel(GlmAnalysis.newBuilder().setFormula("status ~ rx + sex + age + nodes + obstruct")
            .setFamily(GlmFamily.BINOMIAL))).build()).getPooled().getMeta();
    JsonNode terms = colon.get("meta_logistic_status").get("terms");
    assertThat(meta.getTermsList()).hasSize(terms.size());
    for (int t = 0; t < terms.size(); t++) {
      MetaTerm term = meta.getTerms(t);
      JsonNode ref = terms.get(t);
      assertThat(term.getTerm()).isEqualTo(ref.get("term").asText());
      for (var pair : List.of(List.of(term.getFixed(), ref.get("fixed")),
          List.of(term.getDersimonianLaird(), ref.get("dersimonian_laird")), List.of(term.getReml(), ref.get("reml")))) {
        var pooled = (org.fedstats.proto.v1.PooledEstimate) pair.get(0);
        JsonNode expected = (JsonNode) pair.get(1);
        assertThat(pooled.getEstimate()).as(term.getTerm())
            .isCloseTo(expected.get("estimate").asDouble(), within(1e-6 * Math.abs(expected.get("estimate").asDouble())));
        assertThat(pooled.getStdError()).as(term.getTerm())
            .isCloseTo(expected.get("std_error").asDouble(), within(1e-6 * expected.get("std_error").asDouble()));
      }
      assertThat(term.getQ()).isCloseTo(ref.get("fixed").get("Q").asDouble(), within(1e-6));
    }
  }
}
