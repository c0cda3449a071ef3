package org.fedstats.client.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.fedstats.client.FederationClient;
import org.fedstats.client.FedstatsException;
import org.fedstats.common.Contract;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.identity.IdentitySettings;
import org.fedstats.coordinator.identity.OidcSettings;
import org.fedstats.node.NodeServer;
import org.fedstats.node.access.AccessSettings;
import org.fedstats.node.testing.SharedData;
import org.fedstats.pki.Role;
import org.fedstats.pki.ca.FederationCa;
import org.fedstats.pki.statement.AuthMethod;
import org.fedstats.pki.statement.IdentityStatement;
import org.fedstats.pki.statement.StatementSigner;
import org.fedstats.pki.testing.Issuing;
import org.fedstats.pki.testing.Tokens;
import org.fedstats.pki.tls.FederationTls;
import org.fedstats.pki.tls.TlsFiles;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeServiceGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verified researchers and study approvals end to end over real Netty on 127.0.0.1: a coordinator over mutual TLS
 * taking researcher certificates and OpenID Connect tokens, two nodes over mutual TLS requiring the coordinator's
 * signed identity statements and holding study approvals, the CLI, and direct calls to a node that are refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityFederationTest {
  private static final String AUDIENCE = "fedstats";
  private static final String APPROVALS = """
      projects:
        - id: P1
          title: Adjuvant chemotherapy outcomes
          committee: DAC-2026-014
          researchers: [alice, carol]
          datasets: [colon]
          analyses: [count]
          valid-until: 2999-12-31
      """;

  private Path tmp;
  private final List<NodeServer> nodes = new ArrayList<>();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private Coordinator coordinator;
  private TlsFiles coordinatorFiles;
  private TlsFiles alice;
  private final Tokens idp = new Tokens("https://idp.example/realms/research");

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    tmp = dir;
    FederationCa ca = Issuing.newCa(tmp.resolve("ca"), "Test Federation CA");
    alice = Issuing.issue(ca, tmp.resolve("alice"), "alice", Issuing.researcher("alice"));
    coordinatorFiles = Issuing.issue(ca, tmp.resolve("coordinator"), "coordinator",
        Issuing.server("coordinator", Role.COORDINATOR));
    Path approvals = Files.writeString(tmp.resolve("approvals.yaml"), APPROVALS);
    List<CoordinatorConfig.NodeEntry> entries = new ArrayList<>();
    for (String site : List.of("site1", "site2")) {
      TlsFiles files = Issuing.issue(ca, tmp.resolve(site + "-tls"), site, Issuing.server(site, Role.NODE));
      NodeServer node = NodeServer.start(SharedData.node(tmp, site,
              SharedData.colonDataset(site.equals("site1") ? 1 : 2, SharedData.ALL, ""))
          .withTls(Optional.of(files)).withAccess(AccessSettings.DEFAULT.withApprovals(approvals)),
          new SimpleMeterRegistry());
      nodes.add(node);
      closing.addFirst(node);
      entries.add(new CoordinatorConfig.NodeEntry(site, "127.0.0.1:" + node.port()));
    }
    Path jwks = Files.writeString(tmp.resolve("jwks.json"), idp.jwks());
    OidcSettings oidc = new OidcSettings(idp.issuer(), AUDIENCE, Optional.of(jwks), Optional.empty(),
        Set.of(JWSAlgorithm.RS256), Duration.ofSeconds(30), Optional.empty());
    coordinator = Coordinator.start(CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 10_000L, 60_000L,
            entries)).withAuditLog(tmp.resolve("coordinator-audit.jsonl")).withTls(Optional.of(coordinatorFiles))
        .withIdentity(IdentitySettings.DEFAULT.withOidc(oidc)), new SimpleMeterRegistry());
    closing.addFirst(coordinator);
  }

  /** Closes what was opened: the coordinator, the nodes, then the channels the tests made to a node. */
  @AfterAll
  void stop() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private static FedstatsCliTest.Run cli(String... args) {
    return FedstatsCliTest.run(args);
  }

  private String address() {
    return "127.0.0.1:" + coordinator.port();
  }

  /** A folder with the federation CA's certificate only, as a researcher with a token keeps it. */
  private Path caOnly() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("ca-only"));
    Files.copy(alice.caCertificate(), dir.resolve("ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return dir;
  }

  private Path tokenFile(String name, String token) throws Exception {
    return Files.writeString(tmp.resolve(name), token + "\n");
  }

  /** The last audit entry of node {@code site}. */
  private JsonNode lastNodeEntry(String site) throws Exception {
    List<String> lines = Files.readAllLines(tmp.resolve("audit-" + site + ".jsonl"));
    return new ObjectMapper().readTree(lines.getLast());
  }

  @Test
  void aResearcherWithATokenAsksForAnApprovedProjectAndEveryAuditLogSaysWhoHowAndWhy() throws Exception {
    Path token = tokenFile("alice.token", idp.token("alice", AUDIENCE));
    var r = cli("--coordinator", address(), "--tls-dir", caOnly().toString(), "--token-file", token.toString(),
        "--project", "P1", "count", "colon");
    assertThat(r.err()).isEmpty();
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("pooled");
    for (String site : List.of("site1", "site2")) {
      JsonNode entry = lastNodeEntry(site);
      assertThat(entry.get("outcome").asText()).isEqualTo("ANSWERED");
      assertThat(entry.get("researcher").asText()).isEqualTo("alice");
      assertThat(entry.get("authMethod").asText()).isEqualTo("oidc");
      assertThat(entry.get("project").asText()).isEqualTo("P1");
    }
    String coordinatorAudit = Files.readString(tmp.resolve("coordinator-audit.jsonl"));
    assertThat(coordinatorAudit.lines().filter(l -> l.contains("\"authMethod\":\"oidc\"")
        && l.contains("\"project\":\"P1\"") && l.contains("POOLED"))).isNotEmpty();
  }

  @Test
  void aResearcherWithACertificateIsKnownByIt() throws Exception {
    var r = cli("--coordinator", address(), "--tls-dir", tmp.resolve("alice").toString(), "--tls-name", "alice",
        "--project", "P1", "count", "colon");
    assertThat(r.exit()).isZero();
    assertThat(lastNodeEntry("site1").get("authMethod").asText()).isEqualTo("certificate");
  }

  @Test
  void anythingOutsideTheApprovalIsRefusedNamingTheMissingApproval() throws Exception {
    Path token = tokenFile("carol.token", idp.token("carol", AUDIENCE));
    var other = cli("--coordinator", address(), "--tls-dir", caOnly().toString(), "--token-file", token.toString(),
        "--project", "P2", "count", "colon");
    assertThat(other.exit()).isEqualTo(1);
    assertThat(other.err()).contains("PERMISSION_DENIED").contains("project P2 has no approval at node site1");
    var analysis = cli("--coordinator", address(), "--tls-dir", caOnly().toString(), "--token-file",
        token.toString(), "--project", "P1", "summary", "colon", "age");
    assertThat(analysis.exit()).isEqualTo(1);
    assertThat(analysis.err()).contains("project P1 does not approve analysis summary on dataset colon at node");
    var none = cli("--coordinator", address(), "--tls-dir", caOnly().toString(), "--token-file", token.toString(),
        "count", "colon");
    assertThat(none.err()).contains("names none");
    assertThat(lastNodeEntry("site2").get("outcome").asText()).isEqualTo("PERMISSION_DENIED");
    assertThat(lastNodeEntry("site2").get("researcher").asText()).isEqualTo("carol");
  }

  @Test
  void badTokensAndCallersWithNeitherTokenNorCertificateAreUnauthenticated() throws Exception {
    Path expired = tokenFile("expired.token", idp.token("alice", AUDIENCE,
        c -> c.expirationTime(Date.from(Instant.now().minusSeconds(3600)))));
    var r = cli("--coordinator", address(), "--tls-dir", caOnly().toString(), "--token-file", expired.toString(),
        "--project", "P1", "count", "colon");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err()).contains("UNAUTHENTICATED").contains("Expired JWT")
        .doesNotContain(Files.readString(expired).strip());
    Path foreign = tokenFile("foreign.token", new Tokens(idp.issuer()).token("alice", AUDIENCE));
    var wrongKey = cli("--coordinator", address(), "--tls-dir", caOnly().toString(), "--token-file",
        foreign.toString(), "--project", "P1", "count", "colon");
    assertThat(wrongKey.err()).contains("UNAUTHENTICATED");
    try (FederationClient anonymous = FederationClient.connect(address(), caOnly().resolve("ca.crt"), "alice",
        Duration.ofSeconds(30))) {
      assertThatThrownBy(anonymous::nodes).isInstanceOf(FedstatsException.class)
          .hasMessageContaining("authenticated researchers only");
    }
  }

  @Test
  void theSdkSendsATokenAndAProject() throws Exception {
    try (FederationClient client = FederationClient.connect(address(), caOnly().resolve("ca.crt"), "ignored",
        Duration.ofSeconds(30)).withToken(() -> idp.token("alice", AUDIENCE)).withProject("P1")) {
      assertThat(client.dataset("colon").count().pooled()).isPresent();
      assertThatThrownBy(() -> client.dataset("colon").forProject("P2").count())
          .isInstanceOf(FedstatsException.class).hasMessageContaining("project P2 has no approval");
    }
  }

  /** A blocking stub to node site1 over mutual TLS with {@code files}' certificate. */
  private NodeServiceGrpc.NodeServiceBlockingStub node(TlsFiles files) {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", nodes.getFirst().port())
        .sslContext(FederationTls.load(files).clientContext()).build();
    closing.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return NodeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static NodeAnalysisRequest direct(String requester) {
    return NodeAnalysisRequest.newBuilder().setRequestId("direct-1").setRequester(requester).setDataset("colon")
        .setProject("P1").setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build();
  }

  private static NodeAnalysisRequest signed(NodeAnalysisRequest request, TlsFiles signer) {
    StatementSigner s = StatementSigner.load(signer, StatementSigner.DEFAULT_LIFETIME);
    return request.toBuilder().setIdentityStatement(s.sign(new IdentityStatement.Claims("alice",
        AuthMethod.CERTIFICATE, request.getProject(), request.getRequestId(), "", 0, request.getDataset(),
        Contract.requestBinding(request)), "site1")).build();
  }

  @Test
  void directCallsToANodeWithoutOrWithAHandMadeOrReplayedStatementAreRefused() {
    // Even a caller holding a coordinator certificate gets nothing without a statement...
    NodeServiceGrpc.NodeServiceBlockingStub asCoordinator = node(coordinatorFiles);
    assertThatThrownBy(() -> asCoordinator.runAnalysis(direct("alice@/10.0.0.1:1")))
        .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("UNAUTHENTICATED")
        .hasMessageContaining("carries no identity statement");
    // ...or with one it signed with a researcher's key...
    assertThatThrownBy(() -> asCoordinator.runAnalysis(signed(direct("alice@/10.0.0.1:1"), alice)))
        .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("UNAUTHENTICATED")
        .hasMessageContaining("of the researcher role");
    // ...and a statement the coordinator signed is taken once only.
    NodeAnalysisRequest genuine = signed(direct("alice@/10.0.0.1:1"), coordinatorFiles);
    assertThat(asCoordinator.runAnalysis(genuine).hasResult()).isTrue();
    assertThatThrownBy(() -> asCoordinator.runAnalysis(genuine)).isInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("PERMISSION_DENIED").hasMessageContaining("replay");
    // Bound to its request: the same statement with the requester changed is refused.
    NodeAnalysisRequest fresh = signed(direct("alice@/10.0.0.1:1"), coordinatorFiles);
    assertThatThrownBy(() -> asCoordinator.runAnalysis(fresh.toBuilder().setRequester("mallory@/10.0.0.1:1")
        .build())).isInstanceOf(StatusRuntimeException.class).hasMessageContaining("signed for another request");
  }
}
