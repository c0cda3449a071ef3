package org.fedstats.coordinator.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.fedstats.coordinator.link.LinkTesting.await;
import static org.fedstats.coordinator.link.LinkTesting.statusOf;
import static org.fedstats.coordinator.link.LinkTesting.up;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.fedstats.common.HostPort;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.testing.Closer;
import org.fedstats.node.OutboundNode;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.OutboundLink;
import org.fedstats.node.testing.SharedData;
import org.fedstats.pki.Role;
import org.fedstats.pki.ca.FederationCa;
import org.fedstats.pki.testing.Issuing;
import org.fedstats.pki.tls.FederationTls;
import org.fedstats.pki.tls.TlsFiles;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.CoordinatorToNode;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.NodeLinkGrpc;
import org.fedstats.proto.v1.NodeToCoordinator;
import org.fedstats.proto.v1.SiteOutcome;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outbound links over mutual TLS, real Netty on 127.0.0.1: a node with its certificate answers through the
 * coordinator, and the link refuses a researcher's certificate, another node's certificate, a certificate from another
 * CA, and (at the node) a server that is not the configured coordinator.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutboundTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private Path tmp;
  private final Closer closer = new Closer();
  private Coordinator coordinator;
  private TlsFiles site1;
  private TlsFiles site2;
  private TlsFiles alice;
  private TlsFiles stranger;
  private String coordinatorSerial;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    tmp = dir;
    FederationCa ca = Issuing.newCa(tmp.resolve("ca"), "Test Federation CA");
    TlsFiles coordinatorFiles = Issuing.issue(ca, tmp.resolve("coordinator"), "coordinator",
        Issuing.server("coordinator", Role.COORDINATOR));
    coordinatorSerial = ca.list().getLast().serial();
    site1 = Issuing.issue(ca, tmp.resolve("site1-tls"), "site1", Issuing.server("site1", Role.NODE));
    site2 = Issuing.issue(ca, tmp.resolve("site2-tls"), "site2", Issuing.server("site2", Role.NODE));
    alice = Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    FederationCa other = Issuing.newCa(tmp.resolve("other-ca"), "Another CA");
    stranger = Issuing.issue(other, tmp.resolve("stranger"), "site2", Issuing.server("site2", Role.NODE));
    coordinator = closer.add(Coordinator.start(CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 10_000L,
        60_000L, null, null, null, null, null, null, List.of(new CoordinatorConfig.NodeEntry("site1", null),
        new CoordinatorConfig.NodeEntry("site2", null)), null, null, "127.0.0.1:0", null, null, null, null, null))
        .withTls(Optional.of(coordinatorFiles)), new SimpleMeterRegistry()));
  }

  @AfterAll
  void stop() throws Exception {
    closer.close();
  }

  private NodeSettings site(String id, TlsFiles files, int port, String coordinatorName) {
    return SharedData.node(tmp.resolve(id + "-" + port), id, SharedData.colonDataset(1, "count", ""))
        .withTls(Optional.of(files)).withCoordinator(Optional.of(new OutboundLink(new HostPort("127.0.0.1", port),
            coordinatorName, Duration.ofMillis(20), Duration.ofMillis(200))));
  }

  @Test
  void aNodeWithItsCertificateAnswersThroughTheCoordinator() throws Exception {
    OutboundNode node = closer.add(OutboundNode.start(site("site1", site1, coordinator.nodePort(), "coordinator"),
        new SimpleMeterRegistry()));
    await(() -> up(coordinator, "site1"), WAIT, "site1 up over mutual TLS");
    var r = coordinator.federation().run(AnalysisRequest.newBuilder().setDataset("colon").addNodeIds("site1")
        .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build(), "alice");
    assertThat(r.getSites(0).getStatus()).isEqualTo(SiteOutcome.Status.ANSWERED);
    assertThat(node.link().links()).isEqualTo(1);
    // The node audits the coordinator's verified identity.
    assertThat(Files.readString(tmp.resolve("site1-" + coordinator.nodePort()).resolve("audit-site1.jsonl")))
        .contains("coordinator (coordinator, serial " + coordinatorSerial + ") at 127.0.0.1:" + coordinator.nodePort());
  }

  @Test
  void aResearcherCertificateIsRefusedOnTheLink() throws Exception {
    Status refused = refusedLink(alice, "site2");
    assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refused.getDescription()).contains("peer-role").contains("researcher");
  }

  @Test
  void aNodeCannotLinkAsAnotherNode() throws Exception {
    Status refused = refusedLink(site1, "site2");
    assertThat(refused.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    assertThat(refused.getDescription()).contains("peer-identity").contains("claims node site2")
        .contains("site1 (node");
  }

  @Test
  void aCertificateFromAnotherCaIsRefusedInTheHandshake() throws Exception {
    Status refused = refusedLink(stranger, "site2");
    assertThat(refused.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
  }

  /** Opens a link with {@code files}' certificate claiming {@code claimed}; returns how it ended, never taken. */
  private Status refusedLink(TlsFiles files, String claimed) throws Exception {
    LinkTesting.HandNode hand = closer.add(new LinkTesting.HandNode(coordinator.nodePort(),
        FederationTls.load(files).clientContext(), statusOf(claimed, "colon")));
    Status ended = hand.ended.get(10, TimeUnit.SECONDS);
    assertThat(hand.accepted).isNotDone();
    assertThat(up(coordinator, claimed)).isFalse();
    return ended;
  }

  @Test
  void aNodeLinksOnlyToTheCoordinatorItPins() throws Exception {
    // A member of the federation (site1, with a valid node certificate) poses as the coordinator.
    AtomicInteger streams = new AtomicInteger();
    Server impostor = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(FederationTls.load(site1).serverContext())
        .addService(new NodeLinkGrpc.NodeLinkImplBase() {
          @Override
          public StreamObserver<NodeToCoordinator> connect(StreamObserver<CoordinatorToNode> out) {
            streams.incrementAndGet();
            return new StreamObserver<>() {
              @Override
              public void onNext(NodeToCoordinator value) {}

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {
                out.onCompleted();
              }
            };
          }
        }).build().start();
    closer.add(() -> impostor.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    OutboundNode node = closer.add(OutboundNode.start(site("site2", site2, impostor.getPort(), "coordinator"),
        new SimpleMeterRegistry()));
    // The node dials several times meanwhile (back-off 20-200 ms); no stream ever reaches the impostor.
    Thread.sleep(1000);
    assertThat(streams).hasValue(0);
    assertThat(node.link().links()).isZero();
    assertThat(node.link().connected()).isFalse();
  }
}
