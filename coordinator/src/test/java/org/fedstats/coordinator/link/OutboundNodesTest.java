package org.fedstats.coordinator.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.fedstats.coordinator.link.LinkTesting.await;
import static org.fedstats.coordinator.link.LinkTesting.status;
import static org.fedstats.coordinator.link.LinkTesting.statusOf;
import static org.fedstats.coordinator.link.LinkTesting.up;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fedstats.common.HostPort;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.testing.Closer;
import org.fedstats.node.NodeServer;
import org.fedstats.node.OutboundNode;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.OutboundLink;
import org.fedstats.node.review.ReleaseQueue;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.FetchResultRequest;
import org.fedstats.proto.v1.GetNodeInfoRequest;
import org.fedstats.proto.v1.NodeServiceGrpc;
import org.fedstats.proto.v1.ReviewDecision;
import org.fedstats.proto.v1.SiteOutcome;
import org.fedstats.proto.v1.Step;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbound nodes over real Netty on 127.0.0.1 (plaintext; {@link OutboundTlsTest} for mutual TLS): nodes that listen
 * on no port answer through the coordinator; steps in flight on a dropped or dead stream fail; restarted nodes and
 * coordinators are linked again quickly; a second link of the same node replaces the first.
 */
class OutboundNodesTest {
  private static final Duration KEEPALIVE = Duration.ofMillis(1500);
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path tmp;

  private final Closer closer = new Closer();

  @AfterEach
  void stop() throws Exception {
    closer.close();
  }

  private Coordinator coordinator(int nodePort, String... outbound) throws Exception {
    List<CoordinatorConfig.NodeEntry> entries = new ArrayList<>();
    for (String id : outbound) {
      entries.add(new CoordinatorConfig.NodeEntry(id, null));
    }
    return closer.add(Coordinator.start(CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 5_000L, 60_000L,
        null, null, null, null, null, null, entries, null, null, "127.0.0.1:" + nodePort, KEEPALIVE.toMillis(), null,
        null, null, null)),
        new SimpleMeterRegistry()));
  }

  private NodeSettings site(String id, int site, int coordinatorNodePort) {
    return SharedData.node(tmp.resolve(id), id, SharedData.colonDataset(site, SharedData.ALL, ""))
        .withCoordinator(Optional.of(new OutboundLink(new HostPort("127.0.0.1", coordinatorNodePort), "coordinator",
            Duration.ofMillis(20), Duration.ofMillis(300))));
  }

  private static AnalysisRequest count() {
    return AnalysisRequest.newBuilder().setDataset("colon")
        .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build();
  }

  private AnalysisResponse askOverNetty(Coordinator coordinator) throws InterruptedException {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
    try {
      return FederationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
          .runAnalysis(count());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void nodesThatListenOnNoPortAnswerThroughTheCoordinatorAndCannotBeCalledDirectly() throws Exception {
    Coordinator coordinator = coordinator(0, "site1", "site2");
    Set<String> before = LinkTesting.listeningSockets();
    assertThat(before).as("the coordinator's two ports").hasSizeGreaterThanOrEqualTo(2);
    for (int site = 1; site <= 2; site++) {
      closer.add(OutboundNode.start(site("site" + site, site, coordinator.nodePort()), new SimpleMeterRegistry()));
    }
    await(() -> up(coordinator, "site1") && up(coordinator, "site2"), WAIT, "both outbound nodes up");

    AnalysisResponse r = askOverNetty(coordinator);
    assertThat(r.getSitesList()).extracting(SiteOutcome::getStatus)
        .containsExactly(SiteOutcome.Status.ANSWERED, SiteOutcome.Status.ANSWERED);
    assertThat(r.getPooledAvailable()).isTrue();
    assertThat(r.getPooled().getCount().getCount()).isEqualTo(r.getSites(0).getResult().getCount().getCount()
        + r.getSites(1).getResult().getCount().getCount()).isPositive();
    assertThat(status(coordinator, "site1").getLink()).isEqualTo("outbound");
    assertThat(Files.readString(tmp.resolve("site1").resolve("audit-site1.jsonl")))
        .contains("coordinator at 127.0.0.1:" + coordinator.nodePort() + " (plaintext link)");

    // Two running nodes, and not one more listening socket in this process.
    assertThat(LinkTesting.listeningSockets()).isEqualTo(before);
    // The only address a node has is its outgoing connection's; nothing answers there.
    String from = status(coordinator, "site1").getAddress();
    assertThat(from).startsWith("127.0.0.1:");
    ManagedChannel direct = NettyChannelBuilder.forTarget(from).usePlaintext().build();
    try {
      assertThatThrownBy(() -> NodeServiceGrpc.newBlockingStub(direct).withDeadlineAfter(5, TimeUnit.SECONDS)
          .getNodeInfo(GetNodeInfoRequest.getDefaultInstance()))
          .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("UNAVAILABLE");
    } finally {
      direct.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    // The probe sees a node that does listen.
    closer.add(NodeServer.start(SharedData.node(tmp.resolve("inbound"), "site3", SharedData.colonDataset(3,
        "count", "")), new SimpleMeterRegistry()));
    assertThat(LinkTesting.listeningSockets()).hasSize(before.size() + 1);
  }

  @Test
  void anAnswerHeldForReviewIsFetchedOverTheNodesLinkOnceItsStewardApproves() throws Exception {
    Coordinator coordinator = coordinator(0, "site1");
    NodeSettings settings = SharedData.node(tmp.resolve("site1"), "site1", SharedData.colonDataset(1, SharedData.ALL,
        "review: {analyses: [count]}")).withCoordinator(Optional.of(new OutboundLink(new HostPort("127.0.0.1",
        coordinator.nodePort()), "coordinator", Duration.ofMillis(20), Duration.ofMillis(300))));
    closer.add(OutboundNode.start(settings, new SimpleMeterRegistry()));
    await(() -> up(coordinator, "site1"), WAIT, "site1 up");

    AnalysisResponse pending = askOverNetty(coordinator);
    SiteOutcome site = pending.getSites(0);
    assertThat(site.getStatus()).isEqualTo(SiteOutcome.Status.PENDING_REVIEW);
    assertThat(site.hasResult()).isFalse();
    assertThat(pending.getPooledAvailable()).isFalse();

    new ReleaseQueue(settings.stateDir()).decide(ReviewDecision.newBuilder().setTicket(site.getReviewTicket())
        .setApproved(true).setSteward("dana").build());
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
    try {
      AnalysisResponse fetched = FederationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
          .fetchResult(FetchResultRequest.newBuilder().setRequestId(pending.getRequestId()).build());
      assertThat(fetched.getSites(0).getStatus()).isEqualTo(SiteOutcome.Status.ANSWERED);
      assertThat(fetched.getPooledAvailable()).isTrue();
      assertThat(fetched.getPooled().getCount().getCount()).isEqualTo(fetched.getSites(0).getResult().getCount()
          .getCount()).isPositive();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertThat(Files.readString(tmp.resolve("site1").resolve("audit-site1.jsonl"))).contains("PENDING_REVIEW")
        .contains(site.getReviewTicket());
  }

  @Test
  void aStepInFlightOnADroppedStreamFailsItsSiteAndIsNotSentAgain() throws Exception {
    Coordinator coordinator = coordinator(0, "site1");
    LinkTesting.HandNode node = closer.add(new LinkTesting.HandNode(coordinator.nodePort(), null,
        statusOf("site1", "colon")));
    await(() -> up(coordinator, "site1"), WAIT, "site1 up");
    CompletableFuture<AnalysisResponse> asked = coordinator.federation().runAsync(count(), "alice");
    Step step = node.nextStep(WAIT);
    assertThat(step.getAnalysis().getDataset()).isEqualTo("colon");
    node.drop();

    AnalysisResponse r = asked.get(20, TimeUnit.SECONDS);
    SiteOutcome site = r.getSites(0);
    assertThat(site.getStatus()).isEqualTo(SiteOutcome.Status.FAILED);
    assertThat(site.getErrorCode()).isEqualTo("UNAVAILABLE");
    assertThat(site.getError()).contains("ended while the step was in flight").contains("not sent again");
    assertThat(r.getPooledAvailable()).isFalse();
    // Down, first for the failed step, then for the closed link, whose reason stays.
    await(() -> status(coordinator, "site1").getLastError().contains("link closed"), WAIT, "site1 down, link closed");
    assertThat(up(coordinator, "site1")).isFalse();

    // The node links again: the failed step is not sent to it again.
    LinkTesting.HandNode again = closer.add(new LinkTesting.HandNode(coordinator.nodePort(), null,
        statusOf("site1", "colon")));
    await(() -> up(coordinator, "site1"), WAIT, "site1 up again");
    assertThat(again.steps.poll(300, TimeUnit.MILLISECONDS)).isNull();
  }

  @Test
  void aSilentStreamIsTakenAsDeadWithinTheKeepalive() throws Exception {
    Coordinator coordinator = coordinator(0, "site1");
    LinkTesting.HandNode node = closer.add(new LinkTesting.HandNode(coordinator.nodePort(), null,
        statusOf("site1", "colon")));
    await(() -> up(coordinator, "site1"), WAIT, "site1 up");
    CompletableFuture<AnalysisResponse> asked = coordinator.federation().runAsync(count(), "alice");
    node.nextStep(WAIT);
    // The node says nothing more (no heartbeats, no answer); its connection stays open.
    long lastSent = System.nanoTime();
    Duration noticed = await(() -> !up(coordinator, "site1"), WAIT, "site1 down");
    Duration sinceLastMessage = Duration.ofNanos(System.nanoTime() - lastSent);
    SharedData.report("outbound link: a silent stream was noticed " + sinceLastMessage.toMillis()
        + " ms after the node's last message (keep-alive " + KEEPALIVE.toMillis() + " ms)");
    // Within the keep-alive, with room for a loaded machine's scheduling.
    assertThat(noticed).isLessThan(KEEPALIVE.plusMillis(1000));
    assertThat(status(coordinator, "site1").getLastError()).contains("nothing heard from the node");
    SiteOutcome site = asked.get(20, TimeUnit.SECONDS).getSites(0);
    assertThat(site.getStatus()).isEqualTo(SiteOutcome.Status.FAILED);
    assertThat(site.getError()).contains("nothing heard from the node").contains("not sent again");
    assertThat(node.ended.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE);
  }

  @Test
  void aSecondLinkOfTheSameNodeReplacesTheFirst() throws Exception {
    Coordinator coordinator = coordinator(0, "site1");
    LinkTesting.HandNode first = closer.add(new LinkTesting.HandNode(coordinator.nodePort(), null,
        statusOf("site1", "colon")));
    await(() -> up(coordinator, "site1"), WAIT, "site1 up");
    CompletableFuture<AnalysisResponse> asked = coordinator.federation().runAsync(count(), "alice");
    first.nextStep(WAIT);

    LinkTesting.HandNode second = closer.add(new LinkTesting.HandNode(coordinator.nodePort(), null,
        statusOf("site1", "colon")));
    second.accepted.get(10, TimeUnit.SECONDS);
    assertThat(first.ended.get(10, TimeUnit.SECONDS).getDescription()).contains("replaced by a newer link");
    SiteOutcome site = asked.get(10, TimeUnit.SECONDS).getSites(0);
    assertThat(site.getStatus()).isEqualTo(SiteOutcome.Status.FAILED);
    assertThat(site.getError()).contains("replaced by a newer link");
    assertThat(up(coordinator, "site1")).isTrue();
    // Steps now go to the second link.
    coordinator.federation().runAsync(count(), "alice");
    assertThat(second.nextStep(WAIT).getAnalysis().getDataset()).isEqualTo("colon");
    assertThat(first.steps).isEmpty();
  }

  @Test
  void aNodePortInUseStopsTheCoordinatorSayingWhich() throws Exception {
    Coordinator first = coordinator(0, "site1");
    assertThatThrownBy(() -> coordinator(first.nodePort(), "site1")).isInstanceOf(java.io.IOException.class)
        .hasMessage("coordinator cannot listen for nodes on 127.0.0.1:" + first.nodePort() + ": the address is in use");
  }

  @Test
  void aNodeNotInTheFederationIsRefused() throws Exception {
    Coordinator coordinator = coordinator(0, "site1");
    LinkTesting.HandNode stranger = closer.add(new LinkTesting.HandNode(coordinator.nodePort(), null,
        statusOf("site9", "colon")));
    io.grpc.Status refused = stranger.ended.get(10, TimeUnit.SECONDS);
    assertThat(refused.getCode()).isEqualTo(io.grpc.Status.Code.PERMISSION_DENIED);
    assertThat(refused.getDescription()).contains("'site9' is not an outbound node");
    assertThat(stranger.accepted).isNotDone();
  }

  @Test
  void restartedNodesAndCoordinatorsAreLinkedAgainQuickly() throws Exception {
    Coordinator coordinator = coordinator(0, "site1");
    int nodePort = coordinator.nodePort();
    NodeSettings settings = site("site1", 1, nodePort);
    OutboundNode node = OutboundNode.start(settings, new SimpleMeterRegistry());
    await(() -> up(coordinator, "site1"), WAIT, "site1 up");

    // The node restarts: it is up once its new link is taken, without waiting for a health probe.
    node.close();
    await(() -> !up(coordinator, "site1"), WAIT, "site1 down after it stopped");
    long restart = System.nanoTime();
    OutboundNode restarted = closer.add(OutboundNode.start(settings, new SimpleMeterRegistry()));
    Duration started = Duration.ofNanos(System.nanoTime() - restart);
    Duration rejoined = await(() -> up(coordinator, "site1"), Duration.ofSeconds(1), "site1 up within 1 s of start");
    await(() -> restarted.link().links() == 1, WAIT, "the restarted node linked");
    assertThat(askOverNetty(coordinator).getSites(0).getStatus()).isEqualTo(SiteOutcome.Status.ANSWERED);

    // The coordinator restarts on the same node port: the node dials again (back-off at most 300 ms).
    coordinator.close();
    await(() -> !restarted.link().connected(), WAIT, "the node saw its link drop");
    Coordinator second = coordinator(nodePort, "site1");
    Duration back = await(() -> up(second, "site1"), WAIT, "site1 up at the restarted coordinator");
    await(() -> restarted.link().links() == 2, WAIT, "the node's second link");
    assertThat(back).isLessThan(Duration.ofSeconds(5));
    SharedData.report("outbound link: restarted node up " + rejoined.toMillis() + " ms after it had started (its "
        + "start, loading its data, took " + started.toMillis() + " ms); "
        + "after a coordinator restart the node was up again in " + back.toMillis() + " ms (back-off 20-300 ms)");
    assertThat(askOverNetty(second).getSites(0).getStatus()).isEqualTo(SiteOutcome.Status.ANSWERED);
  }

  @Test
  void aNodeGivesUpASilentCoordinatorAndDialsAgain() throws Exception {
    // A coordinator that takes the link, asks for heartbeats every 100 ms, and then says nothing more.
    java.util.concurrent.atomic.AtomicInteger streams = new java.util.concurrent.atomic.AtomicInteger();
    CompletableFuture<io.grpc.Status> firstEnded = new CompletableFuture<>();
    io.grpc.Server silent = io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder
        .forAddress(new java.net.InetSocketAddress("127.0.0.1", 0))
        .addService(new org.fedstats.proto.v1.NodeLinkGrpc.NodeLinkImplBase() {
          @Override
          public io.grpc.stub.StreamObserver<org.fedstats.proto.v1.NodeToCoordinator> connect(
              io.grpc.stub.StreamObserver<org.fedstats.proto.v1.CoordinatorToNode> out) {
            int n = streams.incrementAndGet();
            out.onNext(org.fedstats.proto.v1.CoordinatorToNode.newBuilder().setAccepted(
                org.fedstats.proto.v1.LinkAccepted.newBuilder().setHeartbeatIntervalMs(100)).build());
            return new io.grpc.stub.StreamObserver<>() {
              @Override
              public void onNext(org.fedstats.proto.v1.NodeToCoordinator value) {}

              @Override
              public void onError(Throwable t) {
                if (n == 1) {
                  firstEnded.complete(io.grpc.Status.fromThrowable(t));
                }
              }

              @Override
              public void onCompleted() {}
            };
          }
        }).build().start();
    closer.add(() -> silent.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    OutboundNode node = closer.add(OutboundNode.start(site("site1", 1, silent.getPort()), new SimpleMeterRegistry()));
    // After three silent heartbeat intervals (300 ms) the node cancels the stream and dials again.
    assertThat(firstEnded.get(10, TimeUnit.SECONDS).getCode()).isEqualTo(io.grpc.Status.Code.CANCELLED);
    await(() -> streams.get() >= 2 && node.link().links() >= 2, WAIT, "the node dialled again");
  }
}
