package org.fedstats.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fedstats.common.grpc.ParseGuard;
import org.fedstats.common.grpc.ServerLimits;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.testing.FakeNode;
import org.fedstats.coordinator.testing.InProcessFederation;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.ListNodesRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The coordinator's researcher-facing port over real Netty on 127.0.0.1, with fake nodes in-process. */
class CoordinatorServerTest {
  @RegisterExtension
  final InProcessFederation sites = new InProcessFederation();

  private Coordinator start(ServerLimits.Config server, Integer maxConcurrent, FakeNode... nodes)
      throws IOException {
    InProcessFederation.Addresses addresses = InProcessFederation.Addresses.of(nodes);
    CoordinatorSettings settings = CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 10_000L, 60_000L,
        null, null, maxConcurrent, null, server, null, addresses.entries()));
    return sites.add(Coordinator.start(settings, new SimpleMeterRegistry(), addresses.channels()));
  }

  private FakeNode node(String id, long count) throws IOException {
    FakeNode n = sites.fake(id);
    n.answers.set(r -> org.fedstats.proto.v1.AnalysisResult.newBuilder()
        .setCount(org.fedstats.proto.v1.CountResult.newBuilder().setCount(count)).build());
    return n;
  }

  private ManagedChannel channel(Coordinator c) {
    // Callbacks run on the transport's own threads, so only the coordinator's threads are counted below.
    ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", c.port()).usePlaintext().directExecutor().build();
    sites.add(() -> ch.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return ch;
  }

  private static AnalysisRequest count() {
    return AnalysisRequest.newBuilder().setDataset("colon")
        .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build();
  }

  @Test
  void aPortInUseIsNamedInOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      FakeNode n = node("site1", 10);
      CoordinatorSettings settings = CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:" + taken.getLocalPort(),
          3_000L, 60_000L, List.of(new CoordinatorConfig.NodeEntry("site1", "127.0.0.1:1"))));
      assertThatThrownBy(() -> Coordinator.start(settings, new SimpleMeterRegistry(),
          address -> InProcessChannelBuilder.forName(n.name).build()))
          .isInstanceOf(IOException.class)
          .hasMessage("coordinator cannot listen on 127.0.0.1:" + taken.getLocalPort()
              + ": the address is in use (is another coordinator running?)");
    }
  }

  @Test
  void unreadableOrTooDeeplyNestedRequestsGetInvalidArgument() throws Exception {
    Coordinator c = start(null, null, node("site1", 309));
    ManagedChannel ch = channel(c);
    MethodDescriptor<AnalysisRequest, AnalysisResponse> typed = FederationServiceGrpc.getRunAnalysisMethod();
    MethodDescriptor<byte[], AnalysisResponse> raw = ParseGuard.withRawRequests(typed);
    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(ch, raw, CallOptions.DEFAULT,
        new byte[] {0x0a, (byte) 0xff, 0x01, 0x02}))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).startsWith("the request is not a valid fedstats.v1.AnalysisRequest");
        });
    Filter deep = Filter.newBuilder().setNot(Filter.getDefaultInstance()).build();
    for (int i = 0; i < 120; i++) {
      deep = Filter.newBuilder().setNot(deep).build();
    }
    AnalysisRequest nested = count().toBuilder().setFilter(deep).build();
    assertThatThrownBy(() -> FederationServiceGrpc.newBlockingStub(ch).runAnalysis(nested))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("too many levels of nesting");
        });
    // ...and the coordinator keeps serving.
    assertThat(FederationServiceGrpc.newBlockingStub(ch).runAnalysis(count()).getPooled().getCount().getCount())
        .isEqualTo(309);
  }

  @Test
  void manyWaitingRequestsHoldNoThreadEachAndTheLimitAnswersResourceExhausted() throws Exception {
    FakeNode hung = sites.fake("site1");
    // One connection may carry all 160 calls; the coordinator's own limit is what is tested.
    Coordinator c = start(new ServerLimits.Config(null, null, null, null, 500, null), 150, hung);
    ManagedChannel ch = channel(c);
    FederationServiceGrpc.FederationServiceStub stub = FederationServiceGrpc.newStub(ch);
    int threadsBefore = Thread.activeCount();
    List<CompletableFuture<Status>> calls = new ArrayList<>();
    for (int i = 0; i < 160; i++) {
      CompletableFuture<Status> done = new CompletableFuture<>();
      stub.runAnalysis(count(), new StreamObserver<>() {
        @Override
        public void onNext(AnalysisResponse value) {}

        @Override
        public void onError(Throwable t) {
          done.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
          done.complete(Status.OK);
        }
      });
      calls.add(done);
    }
    // Bounded wait for all 160 to be either in flight or refused (generous: CI machines can be slow).
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
    while (c.federation().inFlight() < 150 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertThat(c.federation().inFlight()).isEqualTo(150);
    assertThat(Thread.activeCount() - threadsBefore).as("threads for 150 waiting requests: %s",
        Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList()).isLessThan(20);
    List<Status> outcomes = calls.stream().map(CompletableFuture::join).toList();
    assertThat(outcomes.stream().filter(s -> s.getCode() == Status.Code.RESOURCE_EXHAUSTED)).hasSize(10)
        .allSatisfy(s -> assertThat(s.getDescription()).contains("already running 150 requests"));
    // The others were answered at the node deadline (no pooled value: the node never answered).
    assertThat(outcomes.stream().filter(Status::isOk)).hasSize(150);
    assertThat(c.federation().inFlight()).isZero();
  }

  @Test
  void idleResearcherConnectionsAreClosed() throws Exception {
    Coordinator c = start(new ServerLimits.Config(300L, null, null, null, null, null), null, node("site1", 1));
    ManagedChannel ch = channel(c);
    FederationServiceGrpc.newBlockingStub(ch).listNodes(ListNodesRequest.getDefaultInstance());
    assertThat(ch.getState(false)).isEqualTo(ConnectivityState.READY);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (ch.getState(false) == ConnectivityState.READY && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertThat(ch.getState(false)).as("the server closed the idle connection").isEqualTo(ConnectivityState.IDLE);
  }
}
