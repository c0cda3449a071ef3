package org.fedstats.node.noise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedstats.node.testing.Requests.and;
import static org.fedstats.node.testing.Requests.cmp;
import static org.fedstats.node.testing.Requests.histogram;
import static org.fedstats.node.testing.Requests.not;
import static org.fedstats.node.testing.Requests.or;
import static org.fedstats.node.testing.Requests.summary;
import static org.fedstats.node.testing.Requests.table;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.fedstats.node.config.NodeConfigLoader;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.StartupException;
import org.fedstats.node.disclosure.DisclosureRule;
import org.fedstats.node.overlap.OverlapAuditor;
import org.fedstats.node.testing.LogCapture;
import org.fedstats.node.testing.ServedSite;
import org.fedstats.node.testing.ServedSites;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The noise policies of a dataset, through the node's gRPC service over Netty on 127.0.0.1, against a researcher repeating and
 * differencing queries on site 2 of colon (310 patients, 164 aged 60 or more, one aged 85).
 */
class NoiseThroughTheGateTest {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();
  private static final String ANALYSES = "count, summary, table, histogram, glm";
  /** The overlap audit would refuse the differencing queries before noise is reached. */
  private static final String NO_OVERLAP_AUDIT = "overlap-audit: false";

  @TempDir
  Path tmp;

  @AutoClose
  final ServedSites sites = new ServedSites();

  /** A node over {@code settings} on 127.0.0.1; closed after the test (or earlier, to restart it). */
  private ServedSite serve(NodeSettings settings) throws Exception {
    // The warning that the overlap audit is off (the differencing tests turn it off) is expected.
    try (LogCapture quiet = LogCapture.of(OverlapAuditor.class)) {
      return sites.start(settings);
    }
  }

  /** A site whose colon dataset has the noise section {@code noise} (YAML flow map), in {@code dir}. */
  private NodeSettings settings(Path dir, String disclosure, String noise, String nodeLines) throws Exception {
    Files.createDirectories(dir);
    String yaml = "node-id: site2\nlisten: 127.0.0.1:0\ninsecure: true\naudit-log: audit.jsonl\n" + nodeLines + "datasets:\n"
        + SharedData.colonDataset(2, ANALYSES, disclosure) + (noise.isEmpty() ? "" : "    noise: " + noise + "\n");
    Path file = dir.resolve("site2.yaml");
    Files.writeString(file, yaml);
    return NodeConfigLoader.load(file);
  }

  private ServedSite site(String disclosure, String noise) throws Exception {
    return serve(settings(tmp, disclosure, noise, ""));
  }

  private static NodeAnalysisResponse answered(NodeAnalysisResponse r) {
    assertThat(r.hasRefusal()).as("refused by %s: %s", r.getRefusal().getRule(), r.getRefusal().getReason())
        .isFalse();
    assertThat(r.hasResult()).isTrue();
    return r;
  }

  private static long count(NodeAnalysisResponse r) {
    return answered(r).getResult().getCount().getCount();
  }

  private static final Filter AGE_AT_LEAST_60 = cmp("age", ComparisonOperator.GE, 60);
  private static final Filter AGED_85 = cmp("age", ComparisonOperator.EQ, 85);

  @Test
  void withoutNoiseAnswersAreExactAndSayNothingOfPerturbation() throws Exception {
    ServedSite site = site("", "{mode: none}");
    NodeAnalysisResponse r = site.ask(AGE_AT_LEAST_60, COUNT);
    assertThat(count(r)).isEqualTo(164);
    assertThat(r.hasPerturbation()).isFalse();
  }

  @Test
  void underCellKeyTheSameCountAskedFiftyTimesHasOneValueAndOneRecordLessAnother() throws Exception {
    Path secret = tmp.resolve("secret.bin");
    byte[] bytes = new byte[32];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (7 * i + 1);
    }
    Files.write(secret, bytes);
    ServedSite site = serve(settings(tmp, NO_OVERLAP_AUDIT, "{mode: cell-key}", "noise-secret-file: secret.bin\n"));
    Set<Long> values = new HashSet<>();
    for (int i = 0; i < 50; i++) {
      NodeAnalysisResponse r = site.ask(AGE_AT_LEAST_60, COUNT);
      values.add(count(r));
      assertThat(r.getPerturbation().getMethod()).isEqualTo("cell-key");
      assertThat(r.getPerturbation().getMaxNoise()).isEqualTo(3);
      assertThat(r.getPerturbation().getEpsilonSpent()).isEmpty();
    }
    assertThat(values).hasSize(1);
    long published = values.iterator().next();
    assertThat(published).isBetween(164L - 3, 164L + 3);
    // The same records reached another way: the same count.
    assertThat(count(site.ask(or(cmp("age", ComparisonOperator.GT, 60), cmp("age", ComparisonOperator.EQ, 60)),
        COUNT))).isEqualTo(published);
    // One record fewer (the patient aged 85): another cell key, so unrelated noise; stable too.
    Filter lessOne = and(AGE_AT_LEAST_60, not(AGED_85));
    long other = count(site.ask(lessOne, COUNT));
    assertThat(count(site.ask(lessOne, COUNT))).isEqualTo(other);
    assertThat(other).isBetween(163L - 3, 163L + 3).isNotEqualTo(published);
    assertThat(published - other).as("the difference is not the one record").isNotEqualTo(1);
  }

  @Test
  void underCellKeyTablesAndHistogramsRepeatExactlyAndTheSecretIsCreatedOwnerOnly() throws Exception {
    ServedSite site = site("", "{mode: cell-key, cell-key: {max-noise: 4, variance: 2, small-count-threshold: 3}}");
    assertThat(site.node().noiseNote()).hasValueSatisfying(n -> assertThat(n).startsWith("created cell-key secret"));
    Path secret = NodeSettings.defaultStateDir(tmp.resolve("audit.jsonl")).resolve(NodeNoise.SECRET_FILE);
    assertThat(Files.size(secret)).isEqualTo(32);
    assertThat(Files.getPosixFilePermissions(secret))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
    NodeAnalysisResponse t1 = answered(site.ask(null, table("rx", "sex")));
    NodeAnalysisResponse t2 = answered(site.ask(null, table("rx", "sex")));
    assertThat(t2.getResult()).isEqualTo(t1.getResult());
    assertThat(t1.getPerturbation().getMaxNoise()).isEqualTo(4);
    assertThat(t1.getResult().getTable().getCellsList()).allSatisfy(c -> assertThat(c.getCount())
        .satisfiesAnyOf(n -> assertThat(n).isZero(), n -> assertThat(n).isGreaterThan(3)));
    NodeAnalysisResponse h1 = answered(site.ask(null, histogram("age", 0.0, 50.0, 70.0, 100.0)));
    assertThat(answered(site.ask(null, histogram("age", 0.0, 50.0, 70.0, 100.0))).getResult())
        .isEqualTo(h1.getResult());
    site.close();
    // The secret is kept: after a restart, the same cells get the same noise.
    ServedSite again = site("", "{mode: cell-key, cell-key: {max-noise: 4, variance: 2, small-count-threshold: 3}}");
    assertThat(again.node().noiseNote()).isEmpty();
    assertThat(answered(again.ask(null, table("rx", "sex"))).getResult()).isEqualTo(t1.getResult());
  }

  @Test
  void underDpTheBudgetRunsOutAfterBudgetOverEpsilonQueriesAndARestartDoesNotResetIt() throws Exception {
    String noise = "{mode: dp-laplace, epsilon-per-query: 0.1, budget: {epsilon: 1.0}}";
    ServedSite site = site("", noise);
    Set<Long> values = new HashSet<>();
    for (int i = 1; i <= 4; i++) {
      NodeAnalysisResponse r = site.ask(AGE_AT_LEAST_60, COUNT);
      values.add(count(r));
      assertThat(r.getPerturbation().getMethod()).isEqualTo("dp-laplace");
      assertThat(r.getPerturbation().getEpsilonSpent()).isEqualTo("0.1");
      assertThat(new java.math.BigDecimal(r.getPerturbation().getEpsilonRemaining()))
          .isEqualByComparingTo(new java.math.BigDecimal("1.0").subtract(new java.math.BigDecimal("0.1")
              .multiply(java.math.BigDecimal.valueOf(i))));
    }
    site.close();
    site = site("", noise);
    for (int i = 5; i <= 10; i++) {
      values.add(count(site.ask(AGE_AT_LEAST_60, COUNT)));
    }
    // Fresh noise of scale 10 each time: ten equal values would be a miracle.
    assertThat(values).hasSizeGreaterThan(1);
    NodeAnalysisResponse refused = site.ask(AGE_AT_LEAST_60, COUNT);
    assertThat(refused.hasResult()).isFalse();
    assertThat(refused.getRefusal().getRule()).isEqualTo(DisclosureRule.PRIVACY_BUDGET.id());
    assertThat(refused.getRefusal().getReason()).isEqualTo("the release would spend epsilon 0.1 of the "
        + "researcher's privacy budget on this dataset (epsilon 1), of which epsilon 0 is left");
    // Another researcher has a budget of their own.
    assertThat(site.ask("alice", AGE_AT_LEAST_60, COUNT).getPerturbation().getEpsilonRemaining()).isEqualTo("0.9");
    // A restart does not reset it.
    site.close();
    site = site("", noise);
    assertThat(site.ask(AGE_AT_LEAST_60, COUNT).getRefusal().getRule()).isEqualTo(DisclosureRule.PRIVACY_BUDGET.id());
  }

  @Test
  void underDpTheSummaryTrackerGetsANoisyDifferenceNotTheRecord() throws Exception {
    Filter young = cmp("age", ComparisonOperator.LT, 50);
    Filter youngAnd85 = or(young, AGED_85);
    ServedSite exact = serve(settings(tmp.resolve("exact"), NO_OVERLAP_AUDIT, "", ""));
    var a = answered(exact.ask(youngAnd85, summary("time"))).getResult().getSummary();
    var b = answered(exact.ask(young, summary("time"))).getResult().getSummary();
    double record = a.getN() * a.getMean() - b.getN() * b.getMean();
    ServedSite dp = serve(settings(tmp.resolve("dp"), NO_OVERLAP_AUDIT, "{mode: dp-gaussian, epsilon-per-query: 0.5, "
        + "delta-per-query: 1e-6, budget: {epsilon: 2, delta: 1e-5}, bounds: {time: {lo: 0, hi: 3400, resolution: 1}}}",
        ""));
    NodeAnalysisResponse ra = answered(dp.ask(youngAnd85, summary("time")));
    NodeAnalysisResponse rb = answered(dp.ask(young, summary("time")));
    var na = ra.getResult().getSummary();
    var nb = rb.getResult().getSummary();
    assertThat(na.getN() * na.getMean() - nb.getN() * nb.getMean()).isNotCloseTo(record,
        org.assertj.core.data.Offset.offset(0.5));
    assertThat(na.getM2()).isZero();
    assertThat(na.getVariance()).isNaN();
    assertThat(ra.getPerturbation().getMethod()).isEqualTo("dp-gaussian");
    assertThat(ra.getPerturbation().getDeltaSpent()).isEqualTo("0.000001");
    assertThat(ra.getPerturbation().getNote()).contains("noisy n and mean only");
    // A variable without declared bounds has no DP summary, and models no DP release at all: refused before they run.
    NodeAnalysisResponse age = dp.ask(null, summary("age"));
    assertThat(age.getRefusal().getRule()).isEqualTo(DisclosureRule.PRIVACY_BOUNDS.id());
    NodeAnalysisResponse glm = dp.ask(null, Analysis.newBuilder().setGlm(GlmAnalysis.newBuilder()
        .setFormula("status ~ age").setFamily(GlmFamily.BINOMIAL)).build());
    assertThat(glm.getRefusal().getRule()).isEqualTo(DisclosureRule.NO_DP_RELEASE.id());
    assertThat(glm.getRefusal().getReason()).contains("glm has no differentially private release");
    // Refusals before the run spend nothing; two summaries spent 2 x 0.5.
    assertThat(answered(dp.ask(null, table("rx", "sex"))).getPerturbation().getEpsilonRemaining()).isEqualTo("0.5");
  }

  @Test
  void noisePoliciesAreCheckedAtLoadWithOneLineErrors() {
    assertThatThrownBy(() -> settings(tmp, "", "{mode: fuzz}", "")).isInstanceOf(StartupException.class)
        .hasMessageContaining("dataset colon noise: unknown noise mode 'fuzz'");
    assertThatThrownBy(() -> settings(tmp, "", "{mode: dp-gaussian, delta-per-query: 0}", ""))
        .hasMessageContaining("dp-gaussian needs delta-per-query in (0, 1)");
    assertThatThrownBy(() -> settings(tmp, "", "{mode: dp-laplace, bounds: {time: {lo: 10, hi: 5, resolution: 1}}}",
        "")).hasMessageContaining("bounds of time: lo must be below hi");
    assertThatThrownBy(() -> settings(tmp, "", "{mode: dp-laplace, bounds: {time: {lo: 0, hi: 5.5, resolution: 1}}}",
        "")).hasMessageContaining("bounds of time:").hasMessageContaining("multiple");
    assertThatThrownBy(() -> settings(tmp, "", "{mode: dp-laplace, bounds: {rx: {lo: 0, hi: 5, resolution: 1}}}",
        "")).hasMessageContaining("not a declared numeric variable");
    assertThatThrownBy(() -> settings(tmp, "", "{mode: dp-laplace, epsilon-per-query: 2, budget: {epsilon: 1}}", ""))
        .hasMessageContaining("does not cover one query");
    assertThatThrownBy(() -> settings(tmp, "", "{mode: cell-key, cell-key: {max-noise: 2, variance: 9}}", ""))
        .hasMessageContaining("cell-key: the noise variance");
    assertThatThrownBy(() -> settings(tmp, "", "{mode: none, epsilon-per-query: 0.1}", ""))
        .hasMessageContaining("apply to dp-laplace and dp-gaussian only");
  }
}
