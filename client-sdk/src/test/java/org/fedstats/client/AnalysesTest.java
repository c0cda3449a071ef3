package org.fedstats.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.fedstats.client.analysis.Unit;
import org.fedstats.client.analysis.count.CountUnit;
import org.fedstats.client.analysis.summary.Summary;
import org.fedstats.client.analysis.summary.SummaryUnit;
import org.fedstats.client.testing.FakeCoordinator;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.SummaryResult;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/** The registry: which units, their names and commands, and decoding a response by the analysis asked for. */
class AnalysesTest {
  @Test
  void listsTheUnitsWithTheirCommands() {
    assertThat(Analyses.all()).extracting(Unit::name).containsExactly("count", "summary", "table", "histogram", "lm",
        "glm", "chisq", "correlation", "meta");
    for (Unit<?> unit : Analyses.all()) {
      assertThat(unit.command().getAnnotation(Command.class).name()).isEqualTo(unit.name());
      assertThat(unit.multiRound()).isEqualTo(unit.name().equals("glm"));
    }
    assertThat(Analyses.of(CountUnit.spec().analysis())).isSameAs(CountUnit.UNIT);
  }

  @Test
  void anAnalysisTheClientDoesNotKnowIsSaidSo() {
    Analysis glm = Analysis.newBuilder().setGlm(GlmAnalysis.newBuilder().setFormula("y ~ x")).build();
    assertThatThrownBy(() -> Analyses.of(Analysis.getDefaultInstance())).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no analysis given");
    assertThatThrownBy(() -> SummaryUnit.UNIT.spec(glm)).hasMessage("a GLM analysis is not a summary");
    assertThatThrownBy(() -> SummaryUnit.UNIT.view().decode(AnalysisResult.getDefaultInstance()))
        .hasMessage("empty result");
  }

  @Test
  void anAnalysisMessageIsDecodedByItsUnit() throws Exception {
    AnalysisResult summary = AnalysisResult.newBuilder().setSummary(SummaryResult.newBuilder().setN(10).setMean(2)
        .setVariance(4)).build();
    try (FakeCoordinator coordinator = new FakeCoordinator(request -> AnalysisResponse.newBuilder()
        .setPooledAvailable(true).setPooled(summary).setPooledNote("pooled").build());
        FederationClient client = FederationClient.connect(coordinator.address(), "tester", Duration.ofSeconds(10))) {
      Object pooled = client.dataset("colon").run(SummaryUnit.spec("age").analysis()).pooledOrThrow();
      assertThat(pooled).isEqualTo(new Summary(10, 0, 2, 4));
      assertThat(client.dataset("colon").run(SummaryUnit.spec("age")).pooledOrThrow().sd()).isEqualTo(2);
      assertThat(client.dataset("colon").summary("age").pooledOver()).isEqualTo(List.of());
    }
  }
}
