package org.fedstats.coordinator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.fedstats.coordinator.analysis.registry.Analyses;
import org.fedstats.coordinator.federation.Federation;
import org.fedstats.coordinator.testing.FakeNode;
import org.fedstats.coordinator.testing.InProcessFederation;
import org.fedstats.coordinator.testing.ToyRounds;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisEvent;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.LinearModelAnalysis;
import org.fedstats.proto.v1.RoundProgress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * RunAnalysisStream of a coordinator on in-process gRPC, with the toy three-round unit and fake nodes answering each
 * round late.
 */
class FederationStreamTest {
  private static final AnalysisRequest TOY = AnalysisRequest.newBuilder().setDataset("colon")
      .setAnalysis(Analysis.newBuilder().setGlm(GlmAnalysis.newBuilder().setFormula("time ~ age"))).build();
  private static final long ROUND_MS = 150;

  @RegisterExtension
  final InProcessFederation sites = new InProcessFederation();
  private FakeNode site1;
  private Federation federation;

  /** A coordinator wired as in production, over one fake node, with the toy unit as its glm and no lm. */
  private FederationServiceGrpc.FederationServiceBlockingStub start() throws Exception {
    return start(null);
  }

  /** The same, keeping the coordinator's audit log at {@code auditLog} (null: none). */
  private FederationServiceGrpc.FederationServiceBlockingStub start(Path auditLog) throws Exception {
    site1 = sites.fake("site1");
    site1.delayMs = ROUND_MS;
    site1.answers.set(r -> r.getAnalysis().hasCount()
        ? AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(309)).build()
        : ToyRounds.answer(r.getAnalysis(), 1));
    InProcessFederation.Served coordinator = sites.coordinator(Duration.ofSeconds(5), 8,
        Analyses.builtIn().without(Analysis.KindCase.LM).with(new ToyRounds(3)), InProcessFederation.Addresses.of(site1),
        auditLog);
    federation = coordinator.coordinator().federation();
    return FederationServiceGrpc.newBlockingStub(coordinator.channel());
  }

  @Test
  void eachRoundIsSentAsItCompletesAndTheLastEventIsTheResponse() throws Exception {
    FederationServiceGrpc.FederationServiceBlockingStub stub = start();
    List<AnalysisEvent> events = new ArrayList<>();
    List<Long> arrivals = new ArrayList<>();
    Iterator<AnalysisEvent> stream = stub.runAnalysisStream(TOY);
    while (stream.hasNext()) {
      events.add(stream.next());
      arrivals.add(System.nanoTime());
    }
    assertThat(events).hasSize(4);
    List<RoundProgress> progress = events.subList(0, 3).stream().map(AnalysisEvent::getProgress).toList();
    assertThat(progress).extracting(RoundProgress::getRound).containsExactly(0, 1, 2);
    assertThat(progress).extracting(RoundProgress::getDeviance).containsExactly(1.0, 1.5, 1.75);
    AnalysisResponse response = events.getLast().getResponse();
    assertThat(events.getLast().hasResponse()).isTrue();
    assertThat(progress).extracting(RoundProgress::getSessionId).containsOnly(response.getSessionId());
    assertThat(response.getSessionId()).isNotEmpty();
    assertThat(response.getRounds()).isEqualTo(3);
    assertThat(response.getPooled().getModelFit().getCoefficients(0).getEstimate()).isEqualTo(1.75);
    for (int i = 1; i < 3; i++) {
      assertThat((arrivals.get(i) - arrivals.get(i - 1)) / 1e6).as("round %s arrives a round after the one before", i)
          .isGreaterThan(ROUND_MS * 0.6);
    }
  }

  @Test
  void aSingleRoundAnalysisStreamsItsResponseAlone() throws Exception {
    AnalysisRequest count = TOY.toBuilder()
        .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build();
    List<AnalysisEvent> events = new ArrayList<>();
    start().runAnalysisStream(count).forEachRemaining(events::add);
    assertThat(events).singleElement().satisfies(e -> {
      assertThat(e.getResponse().getPooled().getCount().getCount()).isEqualTo(309);
      assertThat(e.getResponse().getRounds()).isEqualTo(1);
    });
  }

  @Test
  void errorsHaveTheSameStatusesAsRunAnalysis() throws Exception {
    FederationServiceGrpc.FederationServiceBlockingStub stub = start();
    for (AnalysisRequest bad : List.of(TOY.toBuilder().clearDataset().build(),
        TOY.toBuilder().setDataset("colom").build(),
        TOY.toBuilder().setAnalysis(Analysis.newBuilder().setLm(LinearModelAnalysis.getDefaultInstance())).build())) {
      Status unary = Status.fromThrowable(org.assertj.core.api.Assertions.catchThrowable(() -> stub.runAnalysis(bad)));
      assertThatThrownBy(() -> stub.runAnalysisStream(bad).forEachRemaining(e -> {}))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(unary.getCode()).isNotEqualTo(Status.Code.OK);
            assertThat(e.getStatus().getDescription()).isEqualTo(unary.getDescription());
          });
    }
    assertThatThrownBy(() -> stub.runAnalysisStream(TOY.toBuilder().setAnalysis(Analysis.newBuilder()
        .setLm(LinearModelAnalysis.getDefaultInstance())).build()).next())
        .isInstanceOfSatisfying(StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED));
  }

  @Test
  void aResearcherWhoLeavesStopsTheRoundsAndTheCoordinatorAuditsTheRequest(@TempDir Path dir) throws Exception {
    Path auditLog = dir.resolve("coordinator-audit.jsonl");
    FederationServiceGrpc.FederationServiceBlockingStub stub = start(auditLog);
    // Round 0 is answered; round 1 never is (until the node deadline), so only the cancellation can end the request
    // soon, however loaded the machine.
    site1.answers.set(r -> r.getRound() == 0 ? ToyRounds.answer(r.getAnalysis(), 1) : null);
    Context.CancellableContext call = Context.current().withCancellation();
    AnalysisEvent first = call.call(() -> stub.runAnalysisStream(TOY).next());
    assertThat(first.hasProgress()).as("round 0's progress, not %s", first).isTrue();
    assertThat(first.getProgress().getRound()).isZero();
    call.cancel(null);
    long until = System.nanoTime() + 10_000_000_000L;
    while (federation.inFlight() > 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(federation.inFlight()).isZero();
    // Round 1 may or may not have been sent when the cancellation arrived; round 2 never is.
    assertThat(site1.requests).as("at most the round under way when the researcher left")
        .hasSizeBetween(1, 2);
    // The node worked and audited its rounds; the coordinator's hash-chained log keeps the request as well (written
    // once the request has ended, so waited for).
    while (Files.readAllLines(auditLog).isEmpty() && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    List<String> entries = Files.readAllLines(auditLog);
    assertThat(entries).singleElement().satisfies(line -> {
      JsonObject entry = JsonParser.parseString(line).getAsJsonObject();
      assertThat(entry.get("outcome").getAsString()).isEqualTo("CANCELLED");
      assertThat(entry.get("detail").getAsString()).contains("cancelled before its answer");
      assertThat(entry.get("dataset").getAsString()).isEqualTo("colon");
      assertThat(entry.get("request").getAsString()).contains("time ~ age");
    });
  }
}
