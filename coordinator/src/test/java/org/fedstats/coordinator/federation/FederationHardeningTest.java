package org.fedstats.coordinator.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.fedstats.coordinator.analysis.registry.Analyses;
import org.fedstats.coordinator.testing.FakeNode;
import org.fedstats.coordinator.testing.InProcessFederation;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.HistogramAnalysis;
import org.fedstats.proto.v1.HistogramResult;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.SiteOutcome;
import org.fedstats.proto.v1.SummaryAnalysis;
import org.fedstats.proto.v1.SummaryResult;
import org.fedstats.proto.v1.TableAnalysis;
import org.fedstats.proto.v1.TableCell;
import org.fedstats.proto.v1.TableResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a hostile client, a broken node or a hung node can do to the federation, and what it may not. */
class FederationHardeningTest {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();

  @RegisterExtension
  final InProcessFederation sites = new InProcessFederation();

  private FakeNode node(String id, Function<NodeAnalysisRequest, AnalysisResult> answers) throws Exception {
    FakeNode n = sites.fake(id);
    n.answers.set(answers);
    return n;
  }

  private Federation federation(Duration deadline, int maxConcurrent, FakeNode... nodes) {
    return sites.federation(deadline, maxConcurrent, Analyses.builtIn(), nodes);
  }

  private static Function<NodeAnalysisRequest, AnalysisResult> count(long n) {
    return r -> AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(n)).build();
  }

  private static AnalysisRequest.Builder request(Analysis analysis) {
    return AnalysisRequest.newBuilder().setDataset("colon").setAnalysis(analysis);
  }

  @Test
  void aNodeNamedTwiceIsRejectedNotCountedTwice() throws Exception {
    FakeNode site1 = node("site1", count(309));
    Federation f = federation(Duration.ofSeconds(5), 8, site1, node("site2", count(310)));
    for (List<String> ids : List.of(List.of("site1", "site1", "site1"), List.of("site1", "site2", "site2"))) {
      assertThatThrownBy(() -> f.run(request(COUNT).addAllNodeIds(ids).build(), "mallory"))
          .isInstanceOfSatisfying(RequestRejected.class, e -> {
            assertThat(e.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.status().getDescription()).contains("is named more than once");
          });
    }
    // 9,000 copies of one id: refused before any node is asked.
    assertThatThrownBy(() -> f.run(request(COUNT).addAllNodeIds(java.util.Collections.nCopies(9000, "site1"))
        .build(), "mallory")).isInstanceOf(RequestRejected.class);
    assertThat(site1.analyses.get()).isZero();

    AnalysisResponse two = f.run(request(COUNT).addNodeIds("site1").addNodeIds("site2").build(), "alice");
    assertThat(two.getPooled().getCount().getCount()).isEqualTo(619);
    assertThat(two.getPooledNote()).isEqualTo("pooled over all 2 sites");
    assertThat(site1.analyses.get()).isEqualTo(1);
  }

  @Test
  void unknownNodesAndDatasetsAreErrorsWithASuggestion() throws Exception {
    Federation f = federation(Duration.ofSeconds(5), 8, node("site1", count(309)));
    assertThatThrownBy(() -> f.run(request(COUNT).addNodeIds("siet1").build(), "alice"))
        .isInstanceOfSatisfying(RequestRejected.class,
            e -> assertThat(e.status().getCode()).isEqualTo(Status.Code.NOT_FOUND))
        .hasMessage("no node 'siet1' in this federation; did you mean 'site1'? (`fedstats nodes` lists them)");
    assertThatThrownBy(() -> f.run(request(COUNT).setDataset("colom").build(), "alice"))
        .hasMessage("dataset 'colom' is not held by any node of the federation; did you mean 'colon'? "
            + "(`fedstats datasets` lists them)");
    assertThatThrownBy(() -> f.run(request(COUNT).setDataset("ev\u202Eil").build(), "alice"))
        .hasMessageContaining("dataset 'ev\\u202Eil'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\u202E"));
  }

  @Test
  void malformedAnswersFailTheirSiteAndAreNeverPooled() throws Exception {
    Analysis summary = Analysis.newBuilder().setSummary(SummaryAnalysis.newBuilder().setVariable("time")).build();
    Analysis table = Analysis.newBuilder().setTable(TableAnalysis.newBuilder().setRowVariable("rx")).build();
    Analysis histogram = Analysis.newBuilder().setHistogram(HistogramAnalysis.newBuilder().setVariable("time")
        .addBreaks(0).addBreaks(1000).addBreaks(2000).addBreaks(4000)).build();
    HistogramResult goodHistogram = HistogramResult.newBuilder().addBreaks(0).addBreaks(1000).addBreaks(2000)
        .addBreaks(4000).addCounts(100).addCounts(100).addCounts(100).build();
    record Case(Analysis analysis, AnalysisResult bad, String reason) {}
    List<Case> cases = List.of(
        new Case(COUNT, AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(-5)).build(),
            "a negative count"),
        new Case(COUNT, AnalysisResult.newBuilder().setSummary(SummaryResult.newBuilder().setN(3)).build(),
            "a summary result was sent for a count request"),
        new Case(COUNT, AnalysisResult.getDefaultInstance(), "an empty result was sent for a count request"),
        new Case(summary, AnalysisResult.newBuilder().setSummary(SummaryResult.newBuilder().setN(-1)).build(),
            "negative n"),
        new Case(summary, AnalysisResult.newBuilder().setSummary(SummaryResult.newBuilder().setN(50)
            .setMean(Double.NaN).setM2(1)).build(), "not a finite number"),
        new Case(summary, AnalysisResult.newBuilder().setSummary(SummaryResult.newBuilder().setN(50)
            .setMean(1).setM2(Double.POSITIVE_INFINITY)).build(), "not a finite number"),
        new Case(histogram, AnalysisResult.newBuilder().setHistogram(goodHistogram.toBuilder().clearCounts().addCounts(100).addCounts(100))
            .build(), "a histogram with 2 bins for 4 breaks"),
        new Case(histogram, AnalysisResult.newBuilder().setHistogram(goodHistogram.toBuilder().addCounts(7))
            .build(), "a histogram with 4 bins for 4 breaks"),
        new Case(histogram, AnalysisResult.newBuilder().setHistogram(goodHistogram.toBuilder().setBelow(-1))
            .build(), "a negative count"),
        new Case(table, AnalysisResult.newBuilder().setTable(TableResult.newBuilder().setRowVariable("rx")
            .addRowLevels("Obs").addRowLevels("Secret").addCells(cell("Obs", 20)).addCells(cell("Secret", 20)))
            .build(), "row level 'Secret', which is not a level of rx"),
        new Case(table, AnalysisResult.newBuilder().setTable(TableResult.newBuilder().setRowVariable("rx")
            .addRowLevels("Obs").addCells(cell("Obs", 20)).addCells(cell("Lev", 20)))
            .build(), "a level not listed in the table"),
        new Case(table, AnalysisResult.newBuilder().setTable(TableResult.newBuilder().setRowVariable("rx")
            .addRowLevels("Obs").addCells(cell("Obs", 20)).addCells(cell("Obs", 20)))
            .build(), "the same cell twice"),
        new Case(table, AnalysisResult.newBuilder().setTable(TableResult.newBuilder().setRowVariable("age")
            .addRowLevels("60").addCells(cell("60", 20))).build(), "a table of other variables than requested"));
    for (Case c : cases) {
      AnalysisResult good = switch (c.analysis.getKindCase()) {
        case COUNT -> count(310).apply(null);
        case SUMMARY -> AnalysisResult.newBuilder().setSummary(SummaryResult.newBuilder().setN(300).setMean(1500)
            .setM2(1e6)).build();
        case TABLE -> AnalysisResult.newBuilder().setTable(TableResult.newBuilder().setRowVariable("rx")
            .addRowLevels("Obs").addCells(cell("Obs", 20))).build();
        default -> AnalysisResult.newBuilder().setHistogram(goodHistogram).build();
      };
      Federation f = federation(Duration.ofSeconds(5), 8, node("site1", r -> good), node("site2", r -> c.bad));
      AnalysisResponse strict = f.run(request(c.analysis).build(), "alice");
      assertThat(strict.getSites(1).getStatus()).as(c.reason).isEqualTo(SiteOutcome.Status.FAILED);
      assertThat(strict.getSites(1).getError()).as(c.reason)
          .startsWith("node site2 sent a malformed answer").contains(c.reason);
      assertThat(strict.getPooledAvailable()).as(c.reason).isFalse();
      AnalysisResponse partial = f.run(request(c.analysis).setAllowPartial(true).build(), "alice");
      assertThat(partial.getPooledNodeIdsList()).as(c.reason).containsExactly("site1");
      assertThat(partial.getPooled()).as(c.reason).isEqualTo(Analyses.builtIn().of(c.analysis.getKindCase())
          .orElseThrow().combine(c.analysis, List.of(good)));
    }
  }

  private static TableCell cell(String row, long count) {
    return TableCell.newBuilder().setRow(row).setCount(count).build();
  }

  @Test
  void countsThatWouldOverflowGiveNoPooledValue() throws Exception {
    Federation f = federation(Duration.ofSeconds(5), 8, node("site1", count(Long.MAX_VALUE - 1)),
        node("site2", count(10)));
    AnalysisResponse r = f.run(request(COUNT).build(), "alice");
    assertThat(r.getPooledAvailable()).isFalse();
    assertThat(r.getPooledNote()).contains("cannot be pooled").contains("exceeds");
  }

  @Test
  void aHungNodeCostsOneDeadlineThenIsSkippedAtOnceUntilAProbeSucceeds() throws Exception {
    FakeNode hung = node("site2", null);
    Federation f = federation(Duration.ofMillis(400), 8, node("site1", count(309)), hung);

    long start = System.nanoTime();
    AnalysisResponse first = f.run(request(COUNT).setAllowPartial(true).build(), "alice");
    assertThat((System.nanoTime() - start) / 1e6).isGreaterThanOrEqualTo(350);
    assertThat(first.getSites(1).getErrorCode()).isEqualTo("DEADLINE_EXCEEDED");

    // The circuit is open: no waiting, the reason is given, and the node is not asked.
    hung.healthy = false;
    int asked = hung.analyses.get();
    start = System.nanoTime();
    AnalysisResponse partial = f.run(request(COUNT).setAllowPartial(true).build(), "alice");
    AnalysisResponse strict = f.run(request(COUNT).build(), "alice");
    assertThat((System.nanoTime() - start) / 1e6).as("both answered without waiting for the hung node")
        .isLessThan(300);
    assertThat(hung.analyses.get()).isEqualTo(asked);
    assertThat(partial.getPooled().getCount().getCount()).isEqualTo(309);
    assertThat(partial.getPooledNote()).startsWith("PARTIAL: pooled over 1 of 2 sites; left out: site2 failed: "
        + "UNAVAILABLE node site2 is down since");
    assertThat(strict.getPooledAvailable()).isFalse();
    assertThat(strict.getSites(1).getError()).contains("is down since").contains("DEADLINE_EXCEEDED")
        .contains("not asked until a health probe succeeds");

    // A failed probe keeps it down; a successful one brings it back.
    f.refresh().join();
    assertThat(f.run(request(COUNT).build(), "alice").getSites(1).getError()).contains("is down since");
    hung.healthy = true;
    hung.answers.set(count(310));
    f.refresh().join();
    AnalysisResponse back = f.run(request(COUNT).build(), "alice");
    assertThat(back.getPooled().getCount().getCount()).isEqualTo(619);
  }

  @Test
  void requestsBeyondTheLimitAreRefusedWithResourceExhaustedNotQueuedOnThreads() throws Exception {
    FakeNode hung = node("site1", null);
    Federation f = federation(Duration.ofMillis(1500), 3, hung);
    int threadsBefore = Thread.activeCount();
    List<CompletableFuture<AnalysisResponse>> pending = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      pending.add(f.runAsync(request(COUNT).build(), "alice"));
    }
    assertThat(f.inFlight()).isEqualTo(3);
    assertThat(Thread.activeCount() - threadsBefore).as("no thread per request").isLessThan(3);
    assertThatThrownBy(() -> f.runAsync(request(COUNT).build(), "alice"))
        .isInstanceOfSatisfying(RequestRejected.class, e -> {
          assertThat(e.status().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
          assertThat(e.status().getDescription()).contains("already running 3 requests");
        });
    pending.forEach(CompletableFuture::join);
    assertThat(f.inFlight()).isZero();
    // Rejected or invalid requests release their place too.
    assertThatThrownBy(() -> f.run(request(COUNT).setDataset("other").build(), "alice"))
        .isInstanceOf(RequestRejected.class);
    assertThat(f.inFlight()).isZero();
  }
}
