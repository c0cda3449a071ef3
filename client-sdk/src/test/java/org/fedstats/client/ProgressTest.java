package org.fedstats.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fedstats.client.Results.Result;
import org.fedstats.client.analysis.count.Count;
import org.fedstats.proto.v1.AnalysisEvent;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.RoundProgress;
import org.fedstats.proto.v1.SiteOutcome;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code Query.onProgress}: over RunAnalysisStream the listener hears each round as it arrives and the query returns
 * the stream's last event as its result; without a listener the unary RunAnalysis is asked, as before.
 */
class ProgressTest {
  private static final AnalysisResponse ANSWER = AnalysisResponse.newBuilder().setRequestId("r1").setRounds(3)
      .addSites(SiteOutcome.newBuilder().setNodeId("site1").setStatus(SiteOutcome.Status.ANSWERED).setResult(count(5)))
      .setPooledAvailable(true).setPooled(count(5)).setPooledNote("pooled over all 1 sites").build();

  private final AtomicInteger unaryCalls = new AtomicInteger();
  private final AtomicInteger streamCalls = new AtomicInteger();
  private Server server;
  private ManagedChannel channel;

  private static AnalysisResult count(long n) {
    return AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(n)).build();
  }

  private static RoundProgress round(int i) {
    return RoundProgress.newBuilder().setSessionId("s1").setRound(i).setStage("irls").setDeviance(100.0 / (i + 1))
        .setRelativeChange(i == 0 ? Double.NaN : 0.5 / i).build();
  }

  private static AnalysisEvent progress(int i) {
    return AnalysisEvent.newBuilder().setProgress(round(i)).build();
  }

  /** A client of an in-process coordinator whose RunAnalysisStream is {@code stream} (null: unimplemented). */
  private FederationClient client(Stream stream) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new FederationServiceGrpc.FederationServiceImplBase() {
          @Override
          public void runAnalysis(AnalysisRequest request, StreamObserver<AnalysisResponse> response) {
            unaryCalls.incrementAndGet();
            response.onNext(ANSWER);
            response.onCompleted();
          }

          @Override
          public void runAnalysisStream(AnalysisRequest request, StreamObserver<AnalysisEvent> events) {
            streamCalls.incrementAndGet();
            if (stream == null) {
              super.runAnalysisStream(request, events);
            } else {
              new Thread(() -> stream.serve(events)).start();
            }
          }
        }).build().start();
    channel = InProcessChannelBuilder.forName(name).build();
    return FederationClient.over(channel, "tester");
  }

  interface Stream {
    void serve(StreamObserver<AnalysisEvent> events);
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void eachRoundReachesTheListenerAsItArrivesThenTheResult() throws Exception {
    CountDownLatch heardTwo = new CountDownLatch(2);
    List<RoundProgress> heard = new CopyOnWriteArrayList<>();
    FederationClient client = client(events -> {
      try {
        events.onNext(progress(0));
        events.onNext(progress(1));
        // the stream goes on only once the client has heard the first two rounds: they were not held back
        if (!heardTwo.await(10, TimeUnit.SECONDS)) {
          events.onError(Status.DEADLINE_EXCEEDED.withDescription("rounds were not delivered").asException());
          return;
        }
        events.onNext(progress(2));
        events.onNext(AnalysisEvent.newBuilder().setResponse(ANSWER).build());
        events.onCompleted();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });

    Result<Count> result = client.dataset("colon").onProgress(p -> {
      heard.add(p);
      heardTwo.countDown();
    }).count();

    assertThat(heard).extracting(RoundProgress::getRound).containsExactly(0, 1, 2);
    assertThat(heard.get(1).getRelativeChange()).isEqualTo(0.5);
    assertThat(result.pooledOrThrow().count()).isEqualTo(5);
    assertThat(result.note()).isEqualTo("pooled over all 1 sites");
    assertThat(result.response()).isEqualTo(ANSWER);
    assertThat(streamCalls).hasValue(1);
    assertThat(unaryCalls).hasValue(0);
  }

  @Test
  void aFailureMidStreamIsAFedstatsExceptionWithTheCoordinatorsCode() throws Exception {
    List<RoundProgress> heard = new CopyOnWriteArrayList<>();
    FederationClient client = client(events -> {
      events.onNext(progress(0));
      events.onNext(progress(1));
      events.onError(Status.FAILED_PRECONDITION.withDescription("site2 refused round 2: rule max-rounds (10)")
          .asException());
    });

    assertThatThrownBy(() -> client.dataset("colon").onProgress(heard::add).count())
        .isInstanceOf(FedstatsException.class)
        .hasMessage("FAILED_PRECONDITION: site2 refused round 2: rule max-rounds (10)")
        .extracting(e -> ((FedstatsException) e).code()).isEqualTo(Status.Code.FAILED_PRECONDITION);
    assertThat(heard).extracting(RoundProgress::getRound).containsExactly(0, 1);
  }

  @Test
  void aStreamThatEndsWithoutAResponseIsAnError() throws Exception {
    FederationClient client = client(events -> {
      events.onNext(progress(0));
      events.onCompleted();
    });

    assertThatThrownBy(() -> client.dataset("colon").onProgress(p -> { }).count())
        .isInstanceOf(FedstatsException.class)
        .hasMessage("INTERNAL: the coordinator's stream of events ended without a response");
  }

  @Test
  void withoutAListenerTheUnaryCallIsAsked() throws Exception {
    FederationClient client = client(events -> events.onError(Status.INTERNAL.asException()));

    assertThat(client.dataset("colon").count().pooledOrThrow().count()).isEqualTo(5);
    assertThat(unaryCalls).hasValue(1);
    assertThat(streamCalls).hasValue(0);
  }

  @Test
  void aCoordinatorWithoutTheStreamAnswersOverTheUnaryCall() throws Exception {
    List<RoundProgress> heard = new CopyOnWriteArrayList<>();
    FederationClient client = client(null);

    assertThat(client.dataset("colon").onProgress(heard::add).count().pooledOrThrow().count()).isEqualTo(5);
    assertThat(heard).isEmpty();
    assertThat(streamCalls).hasValue(1);
    assertThat(unaryCalls).hasValue(1);
  }

  @Test
  void aListenerIsARefinementOfAnImmutableQuery() throws Exception {
    FederationClient client = client(null);
    Query plain = client.dataset("colon").where("age >= 60");
    Query listening = plain.onProgress(p -> { });

    assertThat(listening).isNotSameAs(plain);
    assertThat(listening.allowPartial().request(org.fedstats.client.analysis.count.CountUnit.spec().analysis())
        .getAllowPartial()).isTrue();
    plain.count();
    assertThat(streamCalls).hasValue(0);
    listening.where("sex = 0").count();
    assertThat(streamCalls).hasValue(1);
  }
}
