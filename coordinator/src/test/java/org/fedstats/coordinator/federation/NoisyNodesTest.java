package org.fedstats.coordinator.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.IntFunction;
import org.fedstats.coordinator.testing.InProcessFederation;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.HistogramAnalysis;
import org.fedstats.proto.v1.SiteOutcome;
import org.fedstats.proto.v1.TableAnalysis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes that add noise, as the researcher meets them through the coordinator: sites 1 and 2 perturb colon's counts
 * by cell key, site 3 releases them under differential privacy. Each site's outcome says what was done, the pooled
 * note says the pooled value rests on perturbed values, and the noisy values pass the coordinator's answer checks.
 */
class NoisyNodesTest {
  private static final String ANALYSES = "count, table, histogram, glm";

  @TempDir
  Path tmp;

  @RegisterExtension
  final InProcessFederation sites = new InProcessFederation();

  private Federation federation() throws Exception {
    IntFunction<String> noise = i -> i < 3 ? "{mode: cell-key}"
        : "{mode: dp-laplace, epsilon-per-query: 0.5, budget: {epsilon: 5}}";
    return sites.federation(Duration.ofSeconds(30), sites.threeNodes(tmp,
        i -> SharedData.colonDataset(i, ANALYSES, "") + "    noise: " + noise.apply(i) + "\n"));
  }

  private static AnalysisRequest request(Analysis analysis) {
    return AnalysisRequest.newBuilder().setDataset("colon").setAnalysis(analysis).build();
  }

  @Test
  void eachSiteSaysWhatNoiseItAddedAndThePooledNoteSaysTheValueRestsOnIt() throws Exception {
    Federation f = federation();
    AnalysisResponse r = f.run(request(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build()),
        "alice");
    assertThat(r.getSitesList()).allSatisfy(s -> assertThat(s.getStatus()).isEqualTo(SiteOutcome.Status.ANSWERED));
    assertThat(r.getSites(0).getPerturbation().getMethod()).isEqualTo("cell-key");
    assertThat(r.getSites(1).getPerturbation().getMaxNoise()).isEqualTo(3);
    assertThat(r.getSites(2).getPerturbation().getMethod()).isEqualTo("dp-laplace");
    assertThat(r.getSites(2).getPerturbation().getEpsilonRemaining()).isEqualTo("4.5");
    assertThat(r.getPooledAvailable()).isTrue();
    assertThat(r.getPooled().getCount().getCount()).isEqualTo(r.getSitesList().stream()
        .mapToLong(s -> s.getResult().getCount().getCount()).sum());
    assertThat(r.getPooledNote()).isEqualTo("pooled over all 3 sites; it rests on perturbed site values "
        + "(site1: cell-key, site2: cell-key, site3: dp-laplace)");
    // Cell-key sites answer the same again; tables and histograms pass the answer checks too.
    AnalysisResponse again = f.run(request(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())
        .build()), "alice");
    assertThat(again.getSites(0).getResult()).isEqualTo(r.getSites(0).getResult());
    for (Analysis a : List.of(
        Analysis.newBuilder().setTable(TableAnalysis.newBuilder().setRowVariable("rx").setColumnVariable("status"))
            .build(),
        Analysis.newBuilder().setHistogram(HistogramAnalysis.newBuilder().setVariable("age").addBreaks(0)
            .addBreaks(50).addBreaks(70).addBreaks(100)).build())) {
      AnalysisResponse noisy = f.run(request(a), "alice");
      assertThat(noisy.getSitesList()).as(a.getKindCase().name())
          .allSatisfy(s -> assertThat(s.getStatus()).isEqualTo(SiteOutcome.Status.ANSWERED));
      assertThat(noisy.getPooledAvailable()).isTrue();
    }
  }
}
