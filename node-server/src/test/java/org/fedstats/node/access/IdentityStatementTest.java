package org.fedstats.node.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.util.Base64URL;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.fedstats.common.Contract;
import org.fedstats.node.error.RequestException;
import org.fedstats.node.testing.TestClock;
import org.fedstats.pki.Pem;
import org.fedstats.pki.Role;
import org.fedstats.pki.ca.FederationCa;
import org.fedstats.pki.statement.AuthMethod;
import org.fedstats.pki.statement.IdentityStatement;
import org.fedstats.pki.statement.StatementSigner;
import org.fedstats.pki.statement.StatementVerifier;
import org.fedstats.pki.testing.Issuing;
import org.fedstats.pki.tls.RevocationList;
import org.fedstats.pki.tls.TlsFiles;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's signed identity statements as a node checks them: what is taken, and each forged, expired,
 * replayed, misbound, misdirected or wrongly signed statement refused with the reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IdentityStatementTest {
  /** A little after the certificates were issued. */
  private static final Instant NOW = Instant.now().plusSeconds(60);

  private Path tmp;
  private FederationCa ca;
  private TlsFiles node;
  private TlsFiles coordinator;
  private TlsFiles otherCaCoordinator;
  private TlsFiles nodeRole;
  private TlsFiles revokedCoordinator;

  @BeforeAll
  void issue(@TempDir Path dir) {
    tmp = dir;
    ca = Issuing.newCa(tmp.resolve("ca"), "Test CA");
    node = Issuing.issue(ca, tmp.resolve("site1"), "site1", Issuing.server("site1", Role.NODE));
    coordinator = Issuing.issue(ca, tmp.resolve("coordinator"), "coordinator",
        Issuing.server("coordinator", Role.COORDINATOR));
    nodeRole = Issuing.issue(ca, tmp.resolve("site2"), "site2", Issuing.server("site2", Role.NODE));
    revokedCoordinator = Issuing.issue(ca, tmp.resolve("old"), "old", Issuing.server("old", Role.COORDINATOR));
    ca.revoke(ca.list().getLast().serial(), "keyCompromise");
    FederationCa other = Issuing.newCa(tmp.resolve("other-ca"), "Other CA");
    otherCaCoordinator = Issuing.issue(other, tmp.resolve("rogue"), "coordinator",
        Issuing.server("coordinator", Role.COORDINATOR));
  }

  private static NodeAnalysisRequest request(String project) {
    return NodeAnalysisRequest.newBuilder().setRequestId("r1").setRequester("alice@/10.0.0.1:4000")
        .setDataset("colon").setProject(project)
        .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build();
  }

  private static StatementSigner signer(TlsFiles files, TestClock clock) {
    return new StatementSigner(Pem.readPrivateKey(files.key()), Pem.readCertificates(files.certificateChain()),
        StatementSigner.DEFAULT_LIFETIME, clock);
  }

  private static NodeAnalysisRequest signed(NodeAnalysisRequest request, StatementSigner signer, String audience) {
    IdentityStatement.Claims claims = new IdentityStatement.Claims("alice", AuthMethod.OIDC, request.getProject(),
        request.getRequestId(), request.getSessionId(), request.getRound(), request.getDataset(),
        Contract.requestBinding(request));
    return request.toBuilder().setIdentityStatement(signer.sign(claims, audience)).build();
  }

  private RequestAccess access(TestClock clock) throws Exception {
    return RequestAccess.open("site1", Optional.of(node), AccessSettings.DEFAULT, clock);
  }

  private static void assertRefused(RequestAccess.Admission admission, Status.Code code, String reason) {
    assertThat(admission.refusal()).isPresent();
    RequestException e = admission.refusal().get();
    assertThat(e.code()).isEqualTo(code);
    assertThat(e.getMessage()).startsWith("identity-statement: node site1 refuses the request: ").contains(reason);
  }

  @Test
  void aStatementSignedByTheCoordinatorIsTakenAndNamesWhoAsked() throws Exception {
    TestClock clock = new TestClock(NOW);
    RequestAccess access = access(clock);
    assertThat(access.requiresStatements()).isTrue();
    RequestAccess.Admission a = access.admit(signed(request("P1"), signer(coordinator, clock), "site1"), "count");
    assertThat(a.refusal()).isEmpty();
    assertThat(a.researcher()).isEqualTo("alice");
    assertThat(a.method()).isEqualTo("oidc");
    assertThat(a.project()).isEqualTo("P1");
  }

  @Test
  void aRequestWithoutAStatementIsUnauthenticatedWhereStatementsAreRequired() throws Exception {
    assertRefused(access(new TestClock(NOW)).admit(request("P1"), "count"), Status.Code.UNAUTHENTICATED,
        "carries no identity statement");
  }

  @Test
  void aNodeWithoutTlsTakesUnsignedRequestsAsClaims() throws Exception {
    RequestAccess open = RequestAccess.open("site1", Optional.empty(), AccessSettings.DEFAULT, new TestClock(NOW));
    assertThat(open.requiresStatements()).isFalse();
    RequestAccess.Admission a = open.admit(request(""), "count");
    assertThat(a.refusal()).isEmpty();
    assertThat(a.researcher()).isEqualTo("alice");
    assertThat(a.method()).isEqualTo(RequestAccess.UNSIGNED);
  }

  @Test
  void aReplayedStatementIsRefused() throws Exception {
    TestClock clock = new TestClock(NOW);
    RequestAccess access = access(clock);
    NodeAnalysisRequest once = signed(request("P1"), signer(coordinator, clock), "site1");
    assertThat(access.admit(once, "count").refusal()).isEmpty();
    clock.advance(Duration.ofSeconds(5));
    assertRefused(access.admit(once, "count"), Status.Code.PERMISSION_DENIED, "used before (a replay)");
  }

  @Test
  void anExpiredStatementIsRefused() throws Exception {
    TestClock clock = new TestClock(NOW);
    RequestAccess access = access(clock);
    NodeAnalysisRequest old = signed(request("P1"), signer(coordinator, clock), "site1");
    clock.advance(StatementSigner.DEFAULT_LIFETIME.plus(StatementVerifier.DEFAULT_CLOCK_SKEW).plusSeconds(1));
    assertRefused(access.admit(old, "count"), Status.Code.UNAUTHENTICATED, "expired at");
  }

  @Test
  void aStatementFromTheFutureIsRefused() throws Exception {
    TestClock signing = new TestClock(NOW.plus(Duration.ofMinutes(10)));
    assertRefused(access(new TestClock(NOW)).admit(signed(request("P1"), signer(coordinator, signing), "site1"),
        "count"), Status.Code.UNAUTHENTICATED, "issued in the future");
  }

  @Test
  void aStatementForAnotherRequestIsRefused() throws Exception {
    TestClock clock = new TestClock(NOW);
    NodeAnalysisRequest genuine = signed(request("P1"), signer(coordinator, clock), "site1");
    // The same statement with another dataset, another project, or another researcher named in the request.
    for (NodeAnalysisRequest changed : new NodeAnalysisRequest[] {genuine.toBuilder().setDataset("infert").build(),
        genuine.toBuilder().setProject("P2").build(), genuine.toBuilder().setRequester("mallory@/10.0.0.9:1").build(),
        genuine.toBuilder().setRound(1).build()}) {
      assertRefused(access(clock).admit(changed, "count"), Status.Code.PERMISSION_DENIED,
          "signed for another request");
    }
  }

  @Test
  void aStatementForAnotherNodeIsRefused() throws Exception {
    TestClock clock = new TestClock(NOW);
    assertRefused(access(clock).admit(signed(request("P1"), signer(coordinator, clock), "site2"), "count"),
        Status.Code.PERMISSION_DENIED, "for another node, not site1");
  }

  @Test
  void statementsSignedWithoutTheCoordinatorsTrustedCertificateAreRefused() throws Exception {
    TestClock clock = new TestClock(NOW);
    assertRefused(access(clock).admit(signed(request("P1"), signer(otherCaCoordinator, clock), "site1"), "count"),
        Status.Code.UNAUTHENTICATED, "not from the federation CA");
    assertRefused(access(clock).admit(signed(request("P1"), signer(nodeRole, clock), "site1"), "count"),
        Status.Code.UNAUTHENTICATED, "of the node role; only the coordinator's are taken");
    RequestAccess access = access(clock);
    // The revocation list is read when the node starts; the revoked coordinator's statements are refused.
    assertRefused(access.admit(signed(request("P1"), signer(revokedCoordinator, clock), "site1"), "count"),
        Status.Code.UNAUTHENTICATED, "revoked");
  }

  @Test
  void aPinnedCoordinatorNameIsEnforced() throws Exception {
    TestClock clock = new TestClock(NOW);
    AccessSettings pinned = new AccessSettings(Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.of("coordinator-b"), StatementVerifier.DEFAULT_CLOCK_SKEW, Optional.empty());
    RequestAccess access = RequestAccess.open("site1", Optional.of(node), pinned, clock);
    assertRefused(access.admit(signed(request("P1"), signer(coordinator, clock), "site1"), "count"),
        Status.Code.UNAUTHENTICATED, "not by coordinator-b");
  }

  @Test
  void aForgedOrTamperedStatementIsRefused() throws Exception {
    TestClock clock = new TestClock(NOW);
    NodeAnalysisRequest genuine = signed(request("P1"), signer(coordinator, clock), "site1");
    String[] parts = genuine.getIdentityStatement().split("\\.");
    // Signed by the coordinator's certificate named in x5c, but with another key (the node's own).
    NodeAnalysisRequest forgedRequest = request("P1");
    String forged = withHeaderOf(parts[0], signed(forgedRequest, signer(nodeRole, clock), "site1")
        .getIdentityStatement());
    assertRefused(access(clock).admit(forgedRequest.toBuilder().setIdentityStatement(forged).build(), "count"),
        Status.Code.UNAUTHENTICATED, "signature does not verify");
    // The payload changed after signing: another researcher.
    String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
        .replace("\"sub\":\"alice\"", "\"sub\":\"mallory\"");
    assertThat(payload).contains("mallory");
    String tampered = parts[0] + "." + Base64URL.encode(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertRefused(access(clock).admit(genuine.toBuilder().setIdentityStatement(tampered).build(), "count"),
        Status.Code.UNAUTHENTICATED, "signature does not verify");
    // alg: none, with the signature dropped.
    String none = Base64URL.encode("{\"alg\":\"none\",\"typ\":\"fedstats-identity+jwt\"}") + "." + parts[1] + ".";
    assertRefused(access(clock).admit(genuine.toBuilder().setIdentityStatement(none).build(), "count"),
        Status.Code.UNAUTHENTICATED, "not a signed JWT");
    assertRefused(access(clock).admit(genuine.toBuilder().setIdentityStatement("not-a-jws").build(), "count"),
        Status.Code.UNAUTHENTICATED, "not a signed JWT");
  }

  /** {@code statement} with its header replaced by {@code header} (which names another certificate). */
  private static String withHeaderOf(String header, String statement) {
    return header + statement.substring(statement.indexOf('.'));
  }

  @Test
  void theNodeRemembersABoundedNumberOfStatementsAndForgetsThemOnlyOnceExpired() throws Exception {
    TestClock clock = new TestClock(NOW);
    StatementVerifier verifier = new StatementVerifier(Pem.readCertificate(node.caCertificate()),
        RevocationList.none(Pem.readCertificate(node.caCertificate())), Optional.empty(), Duration.ZERO, clock, 2);
    RequestAccess access = new RequestAccess("site1", Optional.of(verifier), true, Optional.empty(), clock);
    StatementSigner signer = signer(coordinator, clock);
    assertThat(access.admit(signed(request("P1"), signer, "site1"), "count").refusal()).isEmpty();
    assertThat(access.admit(signed(request("P1"), signer, "site1"), "count").refusal()).isEmpty();
    RequestAccess.Admission third = access.admit(signed(request("P1"), signer, "site1"), "count");
    assertThat(third.refusal()).get().extracting(RequestException::code).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(verifier.remembered()).isEqualTo(2);
    clock.advance(StatementSigner.DEFAULT_LIFETIME.plusSeconds(1));
    assertThat(access.admit(signed(request("P1"), signer, "site1"), "count").refusal()).isEmpty();
    assertThat(verifier.remembered()).isEqualTo(1);
  }

  @Test
  void aPlaintextNodeCannotRequireStatementsWithoutACa() {
    AccessSettings required = AccessSettings.DEFAULT.requiringStatements(true);
    assertThatThrownBy(() -> RequestAccess.open("site1", Optional.empty(), required, java.time.Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs the federation CA");
  }
}
