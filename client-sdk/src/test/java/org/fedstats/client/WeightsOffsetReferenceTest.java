package org.fedstats.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.ModelFit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * GLMs with prior weights and an offset, federated over a coordinator and three nodes on real Netty, against R's
 * {@code glm} on the pooled site files: estimates and standard errors within 1e-6 relative, deviance, null deviance
 * and AIC within 1e-6 (relative to the value when it exceeds 1), and the same iterations, sizes and degrees of
 * freedom. R's values are in src/test/resources/r-reference/colon_weights_offset.json, written by
 * src/test/r/weights_offset_reference.R. The nodes allow cells of 5: each site leaves 5 to 8 records out of these
 * models for a missing lymph node count or differentiation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WeightsOffsetReferenceTest {
  private static final String REFERENCE = "/r-reference/colon_weights_offset.json";
  private static final double TOLERANCE = 1e-6;

  private NettyFederation federation;
  private FederationServiceGrpc.FederationServiceBlockingStub stub;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    federation = new NettyFederation(tmp, site -> SharedData.colonDataset(site, "count, glm", "min-cell-count: 5"));
    stub = federation.researcher();
  }

  @AfterAll
  void stop() throws Exception {
    if (federation != null) {
      federation.close();
    }
  }

  private static JsonNode reference() {
    try (InputStream in = WeightsOffsetReferenceTest.class.getResourceAsStream(REFERENCE)) {
      assertThat(in).as(REFERENCE).isNotNull();
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The names of R's models. */
  List<String> models() {
    return reference().get("models").propertyStream().map(java.util.Map.Entry::getKey).toList();
  }

  @Test
  void theReferenceCoversWeightsAndOffsetsInEveryFamily() {
    JsonNode models = reference().get("models");
    assertThat(reference().get("r_version").asText()).startsWith("R version");
    assertThat(models.valueStream().filter(m -> !m.get("weights").asText().isEmpty())
        .map(m -> m.get("family").asText())).contains("binomial", "gaussian", "poisson");
    assertThat(models.valueStream().filter(m -> !m.get("offset").asText().isEmpty())
        .map(m -> m.get("terms").get(0).asText())).contains("(Intercept)", "rxObs");
  }

  private static double relative(double actual, double expected) {
    return Math.abs(actual - expected) / Math.abs(expected);
  }

  /** |actual − expected|, relative to |expected| when that exceeds 1. */
  private static double error(double actual, double expected) {
    return Math.abs(actual - expected) / Math.max(1, Math.abs(expected));
  }

  @ParameterizedTest
  @MethodSource("models")
  void federatedFitEqualsRsGlm(String name) {
    JsonNode ref = reference().get("models").get(name);
    GlmAnalysis glm = GlmAnalysis.newBuilder().setFormula(ref.get("formula").asText())
        .setFamily(GlmFamily.valueOf(ref.get("family").asText().toUpperCase(Locale.ROOT)))
        .setWeights(ref.get("weights").asText()).setOffset(ref.get("offset").asText()).build();
    AnalysisResponse response = stub.runAnalysis(AnalysisRequest.newBuilder().setDataset("colon")
        .setAnalysis(Analysis.newBuilder().setGlm(glm)).build());
    assertThat(response.getPooledAvailable()).as(response.getPooledNote()).isTrue();
    ModelFit fit = response.getPooled().getModelFit();

    assertThat(fit.getCoefficientsList()).extracting(c -> c.getTerm())
        .containsExactlyElementsOf(ref.get("terms").valueStream().map(JsonNode::asText).toList());
    double worstCoefficient = 0;
    for (int i = 0; i < fit.getCoefficientsCount(); i++) {
      double e = relative(fit.getCoefficients(i).getEstimate(), ref.get("estimate").get(i).asDouble());
      double se = relative(fit.getCoefficients(i).getStdError(), ref.get("std_error").get(i).asDouble());
      assertThat(e).as("%s: estimate of %s", name, fit.getCoefficients(i).getTerm()).isLessThan(TOLERANCE);
      assertThat(se).as("%s: std error of %s", name, fit.getCoefficients(i).getTerm()).isLessThan(TOLERANCE);
      worstCoefficient = Math.max(worstCoefficient, Math.max(e, se));
    }
    double deviance = error(fit.getDeviance(), ref.get("deviance").asDouble());
    double nullDeviance = error(fit.getNullDeviance(), ref.get("null_deviance").asDouble());
    double aic = error(fit.getAic(), ref.get("aic").asDouble());
    assertThat(deviance).as("%s: deviance %s", name, fit.getDeviance()).isLessThan(TOLERANCE);
    assertThat(nullDeviance).as("%s: null deviance %s", name, fit.getNullDeviance()).isLessThan(TOLERANCE);
    assertThat(aic).as("%s: AIC %s", name, fit.getAic()).isLessThan(TOLERANCE);
    assertThat(fit.getIterations()).as("%s: iterations", name).isEqualTo(ref.get("iterations").asInt());
    assertThat(fit.getConverged()).isTrue();
    assertThat(fit.getN()).as("%s: n", name).isEqualTo(ref.get("n").asLong());
    assertThat(fit.getDfResidual()).as("%s: residual df", name).isEqualTo(ref.get("df_residual").asLong());
    assertThat(fit.getDfNull()).as("%s: null df", name).isEqualTo(ref.get("df_null").asLong());
    assertThat(fit.getFamily()).isEqualTo(ref.get("family").asText());
    SharedData.report(String.format("glm %s (weights %s, offset %s): max relative error vs R %.3g (coefficients), "
        + "%.3g (deviance), %.3g (null deviance), %.3g (AIC)", name, glm.getWeights().isEmpty() ? "-"
        : glm.getWeights(), glm.getOffset().isEmpty() ? "-" : glm.getOffset(), worstCoefficient, deviance,
        nullDeviance, aic));
  }
}
