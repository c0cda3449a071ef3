package org.fedstats.coordinator.federation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.fedstats.coordinator.analysis.registry.Analyses;
import org.fedstats.coordinator.testing.FakeNode;
import org.fedstats.coordinator.testing.InProcessFederation;
import org.fedstats.coordinator.testing.ToyRounds;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmRoundStats;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.RoundProgress;
import org.fedstats.proto.v1.SiteOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Multi-round analyses, with the toy three-round unit over fake nodes: sessions, rounds and where they stop. */
class RoundsTest {
  private static final AnalysisRequest TOY = AnalysisRequest.newBuilder().setDataset("colon")
      .setAnalysis(Analysis.newBuilder().setGlm(GlmAnalysis.newBuilder().setFormula("time ~ age"))).build();

  @RegisterExtension
  final InProcessFederation sites = new InProcessFederation();

  /** A node whose toy answers are half the coefficient it is sent plus {@code value}. */
  private FakeNode node(String id, double value) throws Exception {
    FakeNode n = sites.fake(id);
    n.answers.set(r -> r.getAnalysis().hasCount()
        ? AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(300)).build()
        : ToyRounds.answer(r.getAnalysis(), value));
    return n;
  }

  private Federation federation(Duration deadline, int rounds, FakeNode... nodes) {
    return sites.federation(deadline, 8, Analyses.builtIn().with(new ToyRounds(rounds)), nodes);
  }

  private static List<Double> coefficients(List<NodeAnalysisRequest> requests) {
    return requests.stream().map(r -> r.getAnalysis().getGlm().getCoefficientsCount() == 0 ? Double.NaN
        : r.getAnalysis().getGlm().getCoefficients(0)).toList();
  }

  @Test
  void eachRoundCarriesTheSessionAndThePreviousRoundsPooledAnswer() throws Exception {
    FakeNode site1 = node("site1", 1);
    FakeNode site2 = node("site2", 2);
    Federation f = federation(Duration.ofSeconds(5), 3, site1, site2);
    List<RoundProgress> progress = new CopyOnWriteArrayList<>();
    AnalysisResponse r = f.runAsync(TOY, "alice", progress::add).join();

    // Round 0 pools 1 + 2 = 3; round 1 is asked with 3 and pools 2.5 + 3.5 = 6; round 2 with 6 pools 4 + 5 = 9.
    for (FakeNode n : List.of(site1, site2)) {
      assertThat(n.requests).extracting(NodeAnalysisRequest::getRound).containsExactly(0, 1, 2);
      assertThat(coefficients(n.requests)).containsExactly(Double.NaN, 3.0, 6.0);
      assertThat(n.requests).extracting(NodeAnalysisRequest::getSessionId).containsOnly(r.getSessionId());
      assertThat(n.requests).extracting(NodeAnalysisRequest::getRequestId).containsOnly(r.getRequestId());
    }
    assertThat(UUID.fromString(r.getSessionId())).isNotEqualTo(UUID.fromString(r.getRequestId()));
    assertThat(r.getRounds()).isEqualTo(3);
    assertThat(r.getPooledAvailable()).isTrue();
    assertThat(r.getPooled().getModelFit().getCoefficients(0).getEstimate()).isEqualTo(9.0);
    assertThat(r.getPooledNodeIdsList()).containsExactly("site1", "site2");
    assertThat(r.getPooledNote()).isEqualTo("pooled over all 2 sites in 3 rounds; converged after 3 rounds");
    assertThat(r.getSitesList()).extracting(s -> s.getResult().getGlmRound().getDeviance()).containsExactly(4.0, 5.0);

    assertThat(progress).extracting(RoundProgress::getRound).containsExactly(0, 1, 2);
    assertThat(progress).extracting(RoundProgress::getSessionId).containsOnly(r.getSessionId());
    assertThat(progress).extracting(RoundProgress::getDeviance).containsExactly(3.0, 6.0, 9.0);
    assertThat(progress).extracting(RoundProgress::getStage).containsOnly("toy");
    assertThat(progress.getFirst().getRelativeChange()).isNaN();
    assertThat(progress.get(1).getElapsedMs()).isBetween(progress.get(0).getElapsedMs(),
        progress.get(2).getElapsedMs());
  }

  @Test
  void singleRoundAnalysesHaveNoSessionAndOneRound() throws Exception {
    FakeNode site1 = node("site1", 1);
    Federation f = federation(Duration.ofSeconds(5), 3, site1);
    List<RoundProgress> progress = new CopyOnWriteArrayList<>();
    AnalysisResponse r = f.runAsync(AnalysisRequest.newBuilder().setDataset("colon")
        .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build(), "alice",
        progress::add).join();
    assertThat(r.getRounds()).isEqualTo(1);
    assertThat(r.getSessionId()).isEmpty();
    assertThat(r.getPooledNote()).isEqualTo("pooled over all 1 sites");
    assertThat(site1.requests).singleElement().satisfies(q -> {
      assertThat(q.getSessionId()).isEmpty();
      assertThat(q.getRound()).isZero();
    });
    assertThat(progress).isEmpty();
  }

  @Test
  void aRefusalInRound2WithholdsTheWholeResultEvenWhenPartialResultsAreAllowed() throws Exception {
    FakeNode site1 = node("site1", 1);
    FakeNode site2 = node("site2", 2);
    site2.refuses.set(q -> q.getRound() == 2);
    Federation f = federation(Duration.ofSeconds(5), 5, site1, site2);
    for (boolean allowPartial : List.of(false, true)) {
      AnalysisResponse r = f.run(TOY.toBuilder().setAllowPartial(allowPartial).build(), "alice");
      assertThat(r.getRounds()).isEqualTo(3);
      assertThat(r.getPooledAvailable()).isFalse();
      assertThat(r.hasPooled()).isFalse();
      assertThat(r.getPooledNodeIdsList()).isEmpty();
      assertThat(r.getSites(1).getStatus()).isEqualTo(SiteOutcome.Status.REFUSED);
      assertThat(r.getPooledNote()).isEqualTo("no pooled value: in round 2, 1 of 2 sites did not answer (site2 "
          + "refused by rule min-cell-count (threshold 5): a cell of the result is below 5); a multi-round analysis "
          + "needs every site in every round, so partial results are not pooled");
    }
    assertThat(site1.requests).extracting(NodeAnalysisRequest::getRound).containsExactly(0, 1, 2, 0, 1, 2);
  }

  @Test
  void eachRoundHasItsOwnDeadlineAndASiteThatMissesItStopsTheSession() throws Exception {
    FakeNode site1 = node("site1", 1);
    FakeNode site2 = node("site2", 2);
    site1.delayMs = 250;
    site2.delayMs = 250;
    Federation f = federation(Duration.ofMillis(600), 3, site1, site2);
    long start = System.nanoTime();
    AnalysisResponse slow = f.run(TOY, "alice");
    assertThat((System.nanoTime() - start) / 1e6).as("three rounds take longer than one deadline")
        .isGreaterThan(700);
    assertThat(slow.getPooledAvailable()).isTrue();

    site2.answers.set(q -> q.getRound() == 1 ? null : ToyRounds.answer(q.getAnalysis(), 2));
    AnalysisResponse stuck = f.run(TOY, "alice");
    assertThat(stuck.getRounds()).isEqualTo(2);
    assertThat(stuck.getSites(1).getErrorCode()).isEqualTo("DEADLINE_EXCEEDED");
    assertThat(stuck.getPooledNote()).startsWith("no pooled value: in round 1, 1 of 2 sites did not answer (site2 "
        + "failed: DEADLINE_EXCEEDED");
  }

  @Test
  void aMalformedAnswerInALaterRoundFailsItsSiteAndStopsTheSession() throws Exception {
    FakeNode site1 = node("site1", 1);
    FakeNode site2 = node("site2", 2);
    site2.answers.set(q -> q.getRound() == 1
        ? AnalysisResult.newBuilder().setGlmRound(GlmRoundStats.newBuilder().setDeviance(Double.NaN)).build()
        : ToyRounds.answer(q.getAnalysis(), 2));
    Federation f = federation(Duration.ofSeconds(5), 3, site1, site2);
    AnalysisResponse r = f.run(TOY, "alice");
    assertThat(r.getRounds()).isEqualTo(2);
    assertThat(r.getSites(1).getError()).isEqualTo("node site2 sent a malformed answer, left out of the pooled "
        + "value: a round whose deviance is not a finite number");
    assertThat(r.getPooledNote()).startsWith("no pooled value: in round 1, 1 of 2 sites did not answer");
    assertThat(site1.requests).hasSize(2);
  }

  @Test
  void theCoordinatorEndsASessionAtItsLimitOfRounds() throws Exception {
    FakeNode site1 = node("site1", 1);
    Federation f = federation(Duration.ofSeconds(5), Integer.MAX_VALUE, site1);
    List<RoundProgress> progress = new CopyOnWriteArrayList<>();
    AnalysisResponse r = f.runAsync(TOY, "alice", progress::add).join();
    assertThat(r.getRounds()).isEqualTo(Federation.MAX_ROUNDS_PER_SESSION).isEqualTo(30);
    assertThat(site1.requests).hasSize(30);
    assertThat(progress).hasSize(30);
    assertThat(r.getPooledAvailable()).isFalse();
    assertThat(r.getPooledNote()).isEqualTo("no pooled value: the analysis did not finish within 30 rounds, the "
        + "coordinator's limit for one session");
    assertThat(f.inFlight()).isZero();
  }

  @Test
  void cancellingTheRequestStopsItBeforeItsNextRound() throws Exception {
    FakeNode site1 = node("site1", 1);
    site1.delayMs = 100;
    Federation f = federation(Duration.ofSeconds(5), 3, site1);
    AtomicReference<CompletableFuture<AnalysisResponse>> running = new AtomicReference<>();
    CompletableFuture<AnalysisResponse> response = f.runAsync(TOY, "alice", p -> running.get().cancel(false));
    running.set(response);
    assertThatThrownBy(response::join).isInstanceOf(CancellationException.class);
    long until = System.nanoTime() + 2_000_000_000L;
    while (f.inFlight() > 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(f.inFlight()).isZero();
    assertThat(site1.requests).hasSize(1);
  }

  @Test
  void aRequestItsUnitCannotRunIsRejectedBeforeAnyNodeIsAsked() throws Exception {
    FakeNode site1 = node("site1", 1);
    Federation f = federation(Duration.ofSeconds(5), 3, site1);
    AnalysisRequest noFormula = TOY.toBuilder().setAnalysis(Analysis.newBuilder()
        .setGlm(GlmAnalysis.getDefaultInstance())).build();
    assertThatThrownBy(() -> f.run(noFormula, "alice")).isInstanceOfSatisfying(RequestRejected.class, e -> {
      assertThat(e.status().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
      assertThat(e.status().getDescription()).isEqualTo("the toy analysis needs a formula");
    });
    assertThat(site1.requests).isEmpty();
    assertThat(f.inFlight()).isZero();
  }

  @Test
  void anAnalysisWithoutAUnitIsNotSentToAnyNode() throws Exception {
    FakeNode site1 = node("site1", 1);
    Federation f = sites.federation(Duration.ofSeconds(5), 8, Analyses.builtIn().without(Analysis.KindCase.GLM),
        site1);
    assertThatThrownBy(() -> f.run(TOY, "alice")).isInstanceOfSatisfying(RequestRejected.class, e -> {
      assertThat(e.status().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
      assertThat(e.status().getDescription())
          .isEqualTo("this coordinator does not run glm analyses; it runs "
              + Analyses.builtIn().without(Analysis.KindCase.GLM).names());
    });
    assertThat(site1.requests).isEmpty();
    assertThat(f.inFlight()).isZero();
  }
}
