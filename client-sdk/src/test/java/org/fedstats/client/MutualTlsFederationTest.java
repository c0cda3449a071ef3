package org.fedstats.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.fedstats.client.cli.FedstatsCli;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.node.NodeServer;
import org.fedstats.node.testing.SharedData;
import org.fedstats.pki.Role;
import org.fedstats.pki.ca.FederationCa;
import org.fedstats.pki.testing.Issuing;
import org.fedstats.pki.tls.FederationTls;
import org.fedstats.pki.tls.TlsFiles;
import org.fedstats.proto.v1.GetNodeInfoRequest;
import org.fedstats.proto.v1.NodeServiceGrpc;
import org.fedstats.proto.v1.NodeStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Mutual TLS on every link over real Netty on 127.0.0.1: a coordinator and two nodes with certificates from one CA,
 * researchers with certificates of theirs, and what is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MutualTlsFederationTest {
  private Path tmp;

  private FederationCa ca;
  private final List<NodeServer> nodes = new ArrayList<>();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private Coordinator coordinator;
  private TlsFiles alice;
  private String coordinatorSerial;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    tmp = dir;
    ca = Issuing.newCa(tmp.resolve("ca"), "Test Federation CA");
    alice = Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    Issuing.issue(ca, tmp.resolve("mallory"), "mallory", Issuing.researcher("mallory"));
    ca.revoke(ca.list().getLast().serial(), "keyCompromise");
    TlsFiles coordinatorFiles = Issuing.issue(ca, tmp.resolve("coordinator"), "coordinator",
        Issuing.server("coordinator", Role.COORDINATOR));
    coordinatorSerial = ca.list().getLast().serial();
    List<CoordinatorConfig.NodeEntry> entries = new ArrayList<>();
    for (String site : List.of("site1", "site2")) {
      TlsFiles files = Issuing.issue(ca, tmp.resolve(site + "-tls"), site, Issuing.server(site, Role.NODE));
      NodeServer node = NodeServer.start(SharedData.node(tmp, site,
          SharedData.colonDataset(site.equals("site1") ? 1 : 2, SharedData.ALL, "")).withTls(Optional.of(files)),
          new SimpleMeterRegistry());
      nodes.add(node);
      entries.add(new CoordinatorConfig.NodeEntry(site, "127.0.0.1:" + node.port()));
    }
    coordinator = Coordinator.start(CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 10_000L, 60_000L,
        entries)).withTls(Optional.of(coordinatorFiles)), new SimpleMeterRegistry());
  }

  @AfterAll
  void stop() throws Exception {
    if (coordinator != null) {
      coordinator.close();
    }
    for (NodeServer n : nodes) {
      n.close();
    }
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private String address() {
    return "127.0.0.1:" + coordinator.port();
  }

  record Run(int exit, String out, String err) {}

  private static Run cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = FedstatsCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private ManagedChannel channel(int port, io.grpc.netty.shaded.io.netty.handler.ssl.SslContext context) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(context).build();
    closing.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return channel;
  }

  @Test
  void aResearcherWithACertificateCountsAndTheNodesAuditTheVerifiedNames() throws Exception {
    Run r = cli("--coordinator", address(), "--tls-dir", tmp.resolve("alice").toString(), "--tls-name", "alice",
        "--user", "someone-else", "count", "colon");
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("pooled");
    for (String site : List.of("site1", "site2")) {
      String audit = Files.readString(tmp.resolve("audit-" + site + ".jsonl"));
      assertThat(audit).contains("alice@").doesNotContain("someone-else")
          .contains("coordinator (coordinator, serial " + coordinatorSerial + ")");
    }
  }

  @Test
  void theSdkConnectsWithTlsFiles() {
    try (FederationClient client = FederationClient.connect(address(), alice.withoutCrl(), Duration.ofSeconds(30))) {
      assertThat(client.nodes()).extracting(NodeStatus::getReachable).containsExactly(true, true);
    }
  }

  @Test
  void aNodeRefusesAResearcherCertificate() {
    FederationTls researcher = FederationTls.load(alice);
    var stub = NodeServiceGrpc.newBlockingStub(channel(nodes.getFirst().port(), researcher.clientContext()));
    assertThatThrownBy(() -> stub.getNodeInfo(GetNodeInfoRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("PERMISSION_DENIED")
        .hasMessageContaining("peer-role").hasMessageContaining("coordinator only");
  }

  @Test
  void aNodesHealthServiceAnswersTheCoordinatorRoleOnly() {
    FederationTls researcher = FederationTls.load(alice);
    var asResearcher = HealthGrpc.newBlockingStub(channel(nodes.getFirst().port(), researcher.clientContext()));
    assertThatThrownBy(() -> asResearcher.check(HealthCheckRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("PERMISSION_DENIED")
        .hasMessageContaining("peer-role").hasMessageContaining("coordinator only");
    FederationTls coordinatorTls = FederationTls.load(TlsFiles.inFolder(tmp.resolve("coordinator"), "coordinator")
        .withCrl(ca.crlFile()));
    var asCoordinator = HealthGrpc.newBlockingStub(channel(nodes.getFirst().port(), coordinatorTls.clientContext()));
    assertThat(asCoordinator.check(HealthCheckRequest.getDefaultInstance()).getStatus())
        .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
  }

  @Test
  void aNodeRefusesACallerWithoutCertificate() throws Exception {
    var anonymous = GrpcSslContexts.forClient().trustManager(FederationTls.load(alice).trustManager()).build();
    var stub = NodeServiceGrpc.newBlockingStub(channel(nodes.getFirst().port(), anonymous));
    assertThatThrownBy(() -> stub.getNodeInfo(GetNodeInfoRequest.getDefaultInstance()))
        .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("UNAVAILABLE");
  }

  @Test
  void aRevokedResearcherIsRefusedInOneLine() {
    Run r = cli("--coordinator", address(), "--tls-dir", tmp.resolve("mallory").toString(), "--tls-name",
        "mallory", "count", "colon");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).startsWith("fedstats: ").contains("refused").doesNotContain("\tat ");
    assertThat(r.err().lines()).hasSize(1);
  }

  @Test
  void aPlaintextClientIsToldInOneLineThatTheCoordinatorWantsItsCertificate() {
    Run r = cli("--coordinator", address(), "nodes");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("fedstats: the coordinator at " + address()).contains("mutual TLS only")
        .contains("--tls-dir and --tls-name").hasLineCount(1);
  }

  @Test
  void aClientWithACertificateIsToldInOneLineThatAPlaintextCoordinatorDoesNotSpeakTls() throws Exception {
    Coordinator plaintext = Coordinator.start(CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 10_000L,
        60_000L, List.of(new CoordinatorConfig.NodeEntry("site1", "127.0.0.1:" + nodes.getFirst().port())))),
        new SimpleMeterRegistry());
    closing.addFirst(plaintext::close);
    Run r = cli("--coordinator", "127.0.0.1:" + plaintext.port(), "--tls-dir", tmp.resolve("alice").toString(),
        "--tls-name", "alice", "nodes");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).startsWith("fedstats: the coordinator at 127.0.0.1:" + plaintext.port()
        + " does not speak TLS").contains("leave out --tls-dir and --tls-name").hasLineCount(1);
  }

  @Test
  void aNodeWithACertificateFromAnotherCaIsDownWithTheReason() throws Exception {
    FederationCa other = Issuing.newCa(tmp.resolve("other-ca"), "Other CA");
    TlsFiles rogueFiles = Issuing.issue(other, tmp.resolve("rogue-tls"), "rogue", Issuing.server("rogue", Role.NODE));
    NodeServer rogue = NodeServer.start(SharedData.node(tmp, "rogue", SharedData.colonDataset(3, SharedData.ALL, ""))
        .withTls(Optional.of(rogueFiles)), new SimpleMeterRegistry());
    closing.add(rogue);
    TlsFiles coordinatorFiles = TlsFiles.inFolder(tmp.resolve("coordinator"), "coordinator").withCrl(ca.crlFile());
    Coordinator second = Coordinator.start(CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 10_000L,
            60_000L, List.of(new CoordinatorConfig.NodeEntry("rogue", "127.0.0.1:" + rogue.port()))))
        .withTls(Optional.of(coordinatorFiles)), new SimpleMeterRegistry());
    closing.addFirst(second::close);
    NodeStatus status = second.federation().listNodes().getNodes(0);
    assertThat(status.getReachable()).isFalse();
    assertThat(status.getLastError()).contains("not from the federation CA");
  }
}
