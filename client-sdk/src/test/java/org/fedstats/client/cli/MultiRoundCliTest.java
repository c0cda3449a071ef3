package org.fedstats.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.fedstats.client.Analyses;
import org.fedstats.client.analysis.AnalysisCommand;
import org.fedstats.client.analysis.Column;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.Render;
import org.fedstats.client.analysis.Unit;
import org.fedstats.client.analysis.View;
import org.fedstats.client.cli.FedstatsCliTest.Run;
import org.fedstats.client.testing.FakeCoordinator;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisEvent;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.ModelFit;
import org.fedstats.proto.v1.RoundProgress;
import org.fedstats.proto.v1.SiteOutcome;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A multi-round analysis on the command line: each round on stderr as it completes, stdout the result only. The
 * analysis is a unit written here, outside the SDK, as a later glm unit will be: a view, a command and a
 * {@link Unit}, with no change to the core.
 */
class MultiRoundCliTest {
  /** A pooled model fit, shown by its deviance and iterations. */
  record Fit(double deviance, int iterations) {}

  static final class FitView implements View<Fit> {
    @Override
    public Fit decode(AnalysisResult result) {
      if (!result.hasModelFit()) {
        throw View.unexpected(result, "model fit");
      }
      return new Fit(result.getModelFit().getDeviance(), result.getModelFit().getIterations());
    }

    @Override
    public String brief(Fit fit) {
      return "deviance = " + Render.number(fit.deviance()) + ", iterations = " + fit.iterations();
    }

    @Override
    public List<Column> columns() {
      return List.of(Column.float64("deviance"), Column.int64("iterations"));
    }

    @Override
    public List<List<Object>> rows(Fit fit) {
      return List.of(List.of(fit.deviance(), (long) fit.iterations()));
    }
  }

  static final Unit<Fit> GLM = new Unit<>("glm", Analysis.KindCase.GLM, new FitView(), GlmCommand.class, true);

  @Command(name = "glm", description = "A generalised linear model.")
  static final class GlmCommand extends AnalysisCommand {
    @Parameters(index = "1", description = "Model formula.")
    String formula;

    @Option(names = "--family", defaultValue = "GAUSSIAN", description = "binomial, poisson or gaussian.")
    GlmFamily family;

    @Override
    public String title() {
      return "glm of " + options().dataset() + ": " + formula;
    }

    @Override
    public AnalysisSpec<?> spec() {
      return GLM.spec(Analysis.newBuilder().setGlm(GlmAnalysis.newBuilder().setFormula(formula)
          .setFamily(family)).build());
    }
  }

  private static final double[][] ROUNDS = {{1358.1515, Double.NaN}, {1170.0327, 0.1608}, {1166.9035, 0.00268},
      {1166.8219, 2.1e-05}};

  private static AnalysisResponse answer(AnalysisRequest request) {
    AnalysisResult fit = AnalysisResult.newBuilder().setModelFit(ModelFit.newBuilder()
        .setFormula(request.getAnalysis().getGlm().getFormula()).setDeviance(1166.8219).setIterations(4)).build();
    return AnalysisResponse.newBuilder().setRequestId("r-glm").setRounds(ROUNDS.length)
        .addSites(SiteOutcome.newBuilder().setNodeId("site1").setStatus(SiteOutcome.Status.ANSWERED).setResult(fit)
            .setLatencyMs(20))
        .setPooledAvailable(true).setPooled(fit).setPooledNote("pooled over all 1 sites").build();
  }

  /** Streams the rounds, then the answer, or fails after round 1 when the formula is "fail". */
  private static FakeCoordinator coordinator() throws Exception {
    return new FakeCoordinator(MultiRoundCliTest::answer, (request, events) -> {
      boolean fail = request.getAnalysis().getGlm().getFormula().equals("fail");
      for (int i = 0; i < ROUNDS.length; i++) {
        if (fail && i == 2) {
          events.onError(Status.RESOURCE_EXHAUSTED.withDescription("site2 allows at most 2 rounds a session")
              .asException());
          return;
        }
        events.onNext(AnalysisEvent.newBuilder().setProgress(RoundProgress.newBuilder().setSessionId("s")
            .setRound(i).setStage("irls").setDeviance(ROUNDS[i][0]).setRelativeChange(ROUNDS[i][1])).build());
      }
      events.onNext(AnalysisEvent.newBuilder().setResponse(answer(request)).build());
      events.onCompleted();
    });
  }

  private static Run run(FakeCoordinator coordinator, String... args) {
    List<String> all = new ArrayList<>(List.of("--coordinator", coordinator.address(), "--user", "tester"));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<Unit<?>> units = new ArrayList<>(Analyses.all().stream().filter(u -> !u.name().equals("glm")).toList());
    units.add(GLM);
    CommandLine cl = FedstatsCli.commandLine(units);
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(all.toArray(String[]::new));
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void eachRoundGoesToStderrAndTheResultToStdout() throws Exception {
    try (FakeCoordinator coordinator = coordinator()) {
      Run r = run(coordinator, "glm", "colon", "status ~ rx + sex + age", "--family", "BINOMIAL");
      assertThat(r.exit()).isZero();
      assertThat(r.err()).isEqualTo(String.join(System.lineSeparator(),
          "round 0: deviance 1358.1515",
          "round 1: deviance 1170.0327, change 0.16",
          "round 2: deviance 1166.9035, change 0.0027",
          "round 3: deviance 1166.8219, change 2.1e-05", ""));
      assertThat(r.out()).isEqualTo(String.join(System.lineSeparator(),
          "glm of colon: status ~ rx + sex + age",
          "  site1    answered  deviance = 1166.82, iterations = 4  [20 ms]",
          "  pooled   deviance = 1166.82, iterations = 4",
          "  pooled over all 1 sites", ""));

      Run json = run(coordinator, "--format", "json", "glm", "colon", "status ~ rx");
      assertThat(new ObjectMapper().readTree(json.out()).get("rounds").asInt()).isEqualTo(4);
      assertThat(json.err()).hasLineCount(4);
      assertThat(run(coordinator, "--format", "csv", "glm", "colon", "status ~ rx").out())
          .startsWith("site,status,deviance,iterations,note");
    }
  }

  @Test
  void aFailureMidStreamIsOneLineAfterTheRoundsWithExitOne() throws Exception {
    try (FakeCoordinator coordinator = coordinator()) {
      Run r = run(coordinator, "glm", "colon", "fail");
      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.out()).isEmpty();
      assertThat(r.err().lines().toList()).containsExactly("round 0: deviance 1358.1515",
          "round 1: deviance 1170.0327, change 0.16",
          "fedstats: RESOURCE_EXHAUSTED: site2 allows at most 2 rounds a session");
    }
  }

  @Test
  void singleRoundAnalysesAskOverTheUnaryCall() throws Exception {
    // the stand-in's stream answers glm only: a count over it would fail
    try (FakeCoordinator coordinator = new FakeCoordinator(CliOutputUnchangedTest::answer,
        (request, events) -> events.onError(Status.INTERNAL.withDescription("not the stream").asException()))) {
      Run r = run(coordinator, "count", "colon");
      assertThat(r.exit()).isZero();
      assertThat(r.err()).isEmpty();
      assertThat(r.out()).contains("pooled   count = 929");
    }
  }
}
