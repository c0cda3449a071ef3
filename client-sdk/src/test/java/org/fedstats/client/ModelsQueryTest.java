package org.fedstats.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fedstats.client.Results.Result;
import org.fedstats.client.analysis.chisq.ChiSquared;
import org.fedstats.client.analysis.correlation.Correlation;
import org.fedstats.client.analysis.meta.Meta;
import org.fedstats.client.analysis.Family;
import org.fedstats.client.analysis.ModelFitView;
import org.fedstats.client.testing.CannedModels;
import org.fedstats.client.testing.FakeCoordinator;
import org.fedstats.proto.v1.AnalysisEvent;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.RoundProgress;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The SDK's model and test methods: the request each sends, and the typed views of what comes back. */
class ModelsQueryTest {
  private final List<AnalysisRequest> asked = new ArrayList<>();

  private FakeCoordinator coordinator() throws Exception {
    return new FakeCoordinator(request -> {
      asked.add(request);
      return CannedModels.answer(request);
    }, (request, events) -> {
      asked.add(request);
      for (int i = 0; i < 3; i++) {
        events.onNext(AnalysisEvent.newBuilder().setProgress(RoundProgress.newBuilder().setSessionId("s")
            .setRound(i).setStage("irls").setDeviance(1300 - 50 * i)
            .setRelativeChange(i == 0 ? Double.NaN : 0.01 / i)).build());
      }
      events.onNext(AnalysisEvent.newBuilder().setResponse(CannedModels.answer(request)).build());
      events.onCompleted();
    });
  }

  private static FederationClient connect(FakeCoordinator coordinator) {
    return FederationClient.connect(coordinator.address(), "tester", Duration.ofSeconds(10));
  }

  @Test
  void glmSendsTheFormulaAndFamilyOnlyAndDecodesTheFit() throws Exception {
    try (FakeCoordinator coordinator = coordinator(); FederationClient client = connect(coordinator)) {
      Result<ModelFitView> r = client.dataset("colon").glm("status ~ rx + age", Family.BINOMIAL);
      GlmAnalysis sent = asked.getFirst().getAnalysis().getGlm();
      assertThat(sent).isEqualTo(GlmAnalysis.newBuilder().setFormula("status ~ rx + age")
          .setFamily(GlmFamily.BINOMIAL).build());
      assertThat(sent.getCoefficientsCount()).isZero();
      assertThat(sent.getNullModel()).isFalse();
      assertThat(sent.hasNullMean()).isFalse();

      ModelFitView fit = r.pooledOrThrow();
      assertThat(fit.pooled()).isTrue();
      assertThat(fit.family()).isEqualTo("binomial");
      assertThat(fit.statisticName()).isEqualTo("z");
      assertThat(fit.columns()).isEqualTo(CannedModels.COLON_TERMS);
      assertThat(fit.coefficient("nodes")).isEqualTo(new ModelFitView.Coefficient("nodes", 0.1903, 0.0256, 7.434,
          1.05e-13));
      assertThat(fit.nullDeviance()).isEqualTo(1262.86);
      assertThat(fit.deviance()).isEqualTo(1184.52);
      assertThat(fit.dfNull()).isEqualTo(910);
      assertThat(fit.dfResidual()).isEqualTo(904);
      assertThat(fit.aic()).isEqualTo(1198.52);
      assertThat(fit.iterations()).isEqualTo(4);
      assertThat(fit.converged()).isTrue();
      assertThatThrownBy(() -> fit.coefficient("weight")).isInstanceOf(IllegalArgumentException.class);

      ModelFitView site = r.sites().getFirst().result().orElseThrow();
      assertThat(site.pooled()).isFalse();
      assertThat(site.n()).isEqualTo(303);
      assertThat(site.coefficients()).isEmpty();
      assertThat(site.deviance()).isEqualTo(401.2);

      client.dataset("colon").glm("status ~ rx", Family.POISSON, "w", "o");
      assertThat(asked.getLast().getAnalysis().getGlm()).isEqualTo(GlmAnalysis.newBuilder()
          .setFormula("status ~ rx").setFamily(GlmFamily.POISSON).setWeights("w").setOffset("o").build());
    }
  }

  @Test
  void glmProgressReachesTheListenerBeforeTheResult() throws Exception {
    List<Integer> rounds = new ArrayList<>();
    try (FakeCoordinator coordinator = coordinator(); FederationClient client = connect(coordinator)) {
      Result<ModelFitView> r = client.dataset("colon").onProgress(p -> rounds.add(p.getRound()))
          .glm("status ~ rx", Family.BINOMIAL);
      assertThat(rounds).containsExactly(0, 1, 2);
      assertThat(r.pooledOrThrow().iterations()).isEqualTo(4);
    }
  }

  @Test
  void glmOnTheCommandLineShowsEachRoundOnStderr() throws Exception {
    try (FakeCoordinator coordinator = coordinator()) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      CommandLine cl = org.fedstats.client.cli.FedstatsCli.commandLine();
      cl.setOut(new PrintWriter(out));
      cl.setErr(new PrintWriter(err));
      int exit = cl.execute("--coordinator", coordinator.address(), "glm", "colon",
          "status ~ rx + sex + age + nodes + obstruct", "--family", "binomial");
      assertThat(exit).isZero();
      assertThat(err.toString().lines().toList()).containsExactly("round 0: deviance 1300",
          "round 1: deviance 1250, change 0.010", "round 2: deviance 1200, change 0.0050");
      assertThat(out.toString()).contains("Number of Fisher Scoring iterations: 4").doesNotContain("round");
    }
  }

  @Test
  void glmWithoutAFamilyIsAUsageError() {
    StringWriter err = new StringWriter();
    CommandLine cl = org.fedstats.client.cli.FedstatsCli.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    assertThat(cl.execute("glm", "colon", "status ~ rx")).isEqualTo(2);
    assertThat(err.toString()).startsWith("fedstats: Missing required option: '--family=<family>'");
    err.getBuffer().setLength(0);
    assertThat(cl.execute("glm", "colon", "status ~ rx", "--family", "logit")).isEqualTo(2);
    assertThat(err.toString()).contains("expected one of binomial, poisson, gaussian");
  }

  @Test
  void lmDecodesTheLinearSummary() throws Exception {
    try (FakeCoordinator coordinator = coordinator(); FederationClient client = connect(coordinator)) {
      Result<ModelFitView> r = client.dataset("colon").lm("time ~ age + sex + nodes + rx");
      assertThat(asked.getFirst().getAnalysis().getLm().getFormula()).isEqualTo("time ~ age + sex + nodes + rx");
      ModelFitView fit = r.pooledOrThrow();
      assertThat(fit.statisticName()).isEqualTo("t");
      assertThat(fit.sigma()).isEqualTo(805.6);
      assertThat(fit.rSquared()).isEqualTo(0.0946);
      assertThat(fit.adjRSquared()).isEqualTo(0.0896);
      assertThat(fit.fStatistic()).isEqualTo(18.91);
      assertThat(fit.fPValue()).isEqualTo(4.3e-18);
      assertThat(fit.coefficient("nodes").statistic()).isEqualTo(-8.395);
      assertThat(r.sites()).allSatisfy(s -> assertThat(s.result().orElseThrow().n()).isGreaterThan(300));
    }
  }

  @Test
  void chisqCorrelationAndMetaDecodeTheirPooledResults() throws Exception {
    try (FakeCoordinator coordinator = coordinator(); FederationClient client = connect(coordinator)) {
      ChiSquared x = client.dataset("colon").chisq("rx", "status").pooledOrThrow();
      assertThat(asked.getLast().getAnalysis().getChisq().getColumnVariable()).isEqualTo("status");
      assertThat(x.statistic()).isEqualTo(12.2664);
      assertThat(x.df()).isEqualTo(2);
      assertThat(x.smallExpected()).isTrue();
      assertThat(x.counts()[2][1]).isEqualTo(6 * 21);

      Result<Correlation> c = client.dataset("colon").correlation(List.of("age", "time", "nodes"));
      assertThat(asked.getLast().getAnalysis().getCorrelation().getVariablesList())
          .containsExactly("age", "time", "nodes");
      assertThat(c.pooledOrThrow().n()).isEqualTo(903);
      assertThat(c.pooledOrThrow().correlation("age", "time")).isEqualTo(-0.0928 * 2);
      assertThat(c.pooledOrThrow().pValue("time", "nodes")).isEqualTo(0.00513 * 3);
      assertThat(c.sites().getFirst().result().orElseThrow().pooled()).isFalse();
      assertThatThrownBy(() -> client.dataset("colon").correlation(List.of("age")))
          .hasMessage("a correlation needs at least two variables");

      Result<Meta> m = client.dataset("colon").meta("status ~ rx + age", Family.BINOMIAL);
      assertThat(asked.getLast().getAnalysis().getMeta().getModel()).isEqualTo(GlmAnalysis.newBuilder()
          .setFormula("status ~ rx + age").setFamily(GlmFamily.BINOMIAL).build());
      Meta.Term rx = m.pooledOrThrow().term("rxLev");
      assertThat(rx.nodeIds()).containsExactly("site1", "site2", "site3");
      assertThat(rx.siteEstimates()).hasSize(3);
      assertThat(rx.reml().tau2()).isEqualTo(0.0017);
      assertThat(rx.i2()).isEqualTo(12.5);
      assertThat(m.sites().get(1).result().orElseThrow().n()).isEqualTo(304);
    }
  }
}
