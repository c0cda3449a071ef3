package org.fedstats.node.access;

import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.common.Contract;
import org.fedstats.node.error.RequestException;
import org.fedstats.pki.Pem;
import org.fedstats.pki.PkiException;
import org.fedstats.pki.statement.IdentityStatement;
import org.fedstats.pki.statement.StatementException;
import org.fedstats.pki.statement.StatementVerifier;
import org.fedstats.pki.tls.RevocationList;
import org.fedstats.pki.tls.TlsFiles;
import org.fedstats.proto.v1.NodeAnalysisRequest;

/**
 * Whom a node answers, checked for every request whatever transport brought it: the coordinator's signed identity
 * statement (who asked, how the coordinator knows, for which project, bound to this request; see
 * {@link StatementVerifier}), then the node's study approvals. Its {@link Admission} says who asked, as far as the
 * node can tell, for the audit log, and why the request is refused, if it is.
 */
public final class RequestAccess {
  /** The audit log's auth method of a request that came without a statement the node checked. */
  public static final String UNSIGNED = "unsigned";

  private final String node;
  private final Optional<StatementVerifier> verifier;
  private final boolean required;
  private final Optional<ApprovalsFile> approvals;
  private final Clock clock;

  RequestAccess(String node, Optional<StatementVerifier> verifier, boolean required,
      Optional<ApprovalsFile> approvals, Clock clock) {
    if (required && verifier.isEmpty()) {
      throw new IllegalArgumentException("identity.require-statement: true needs the federation CA to check "
          + "statements by (a tls section, or identity.ca)");
    }
    this.node = node;
    this.verifier = verifier;
    this.required = required;
    this.approvals = approvals;
    this.clock = clock;
  }

  /** Every request admitted as it comes, with no approvals (as a node without TLS and without approvals does). */
  public static RequestAccess open(String node) {
    return new RequestAccess(node, Optional.empty(), false, Optional.empty(), Clock.systemUTC());
  }

  /**
   * A node's access as configured: {@code settings}, with the CA and revocation list of {@code tls} unless the
   * settings name their own. Throws IOException when the approvals file cannot be read or does not check, and
   * IllegalArgumentException for a contradictory configuration.
   */
  public static RequestAccess open(String node, Optional<TlsFiles> tls, AccessSettings settings, Clock clock)
      throws IOException {
    Optional<Path> caFile = settings.ca().or(() -> tls.map(TlsFiles::caCertificate));
    Optional<StatementVerifier> verifier = Optional.empty();
    if (caFile.isPresent()) {
      try {
        X509Certificate ca = Pem.readCertificate(caFile.get());
        Optional<Path> crl = settings.crl().or(() -> tls.flatMap(TlsFiles::crl));
        Duration refresh = tls.map(TlsFiles::refresh).orElse(TlsFiles.DEFAULT_REFRESH);
        RevocationList revocations = crl.map(c -> RevocationList.load(c, ca, refresh, clock))
            .orElseGet(() -> RevocationList.none(ca));
        verifier = Optional.of(new StatementVerifier(ca, revocations, settings.coordinator(), settings.clockSkew(),
            clock, StatementVerifier.DEFAULT_REMEMBERED));
      } catch (PkiException e) {
        throw new IOException("cannot read the federation CA to check identity statements by: " + e.getMessage(), e);
      }
    }
    Optional<ApprovalsFile> approvals = settings.approvals().isPresent()
        ? Optional.of(ApprovalsFile.open(settings.approvals().get())) : Optional.empty();
    return new RequestAccess(node, verifier, settings.requireStatement().orElse(tls.isPresent()), approvals, clock);
  }

  /** Whether requests without a valid identity statement are refused. */
  public boolean requiresStatements() {
    return required;
  }

  /**
   * Who asked and how the node knows, for the audit log, and the refusal if the request is not to be answered.
   *
   * @param researcher the statement's verified researcher; without a checked statement, the name the requester
   *     field claims
   * @param method how the coordinator authenticated the researcher ({@code certificate}, {@code oidc},
   *     {@code claimed}), or {@value #UNSIGNED} without a checked statement
   * @param project the project the request names
   */
  public record Admission(String researcher, String method, String project, Optional<RequestException> refusal) {
    public Admission {
      Objects.requireNonNull(researcher, "researcher");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(project, "project");
      Objects.requireNonNull(refusal, "refusal");
    }

    Admission refused(RequestException e) {
      return new Admission(researcher, method, project, Optional.of(e));
    }
  }

  /** Checks {@code request} (whose analysis is {@code analysis}) as the class says. */
  public Admission admit(NodeAnalysisRequest request, String analysis) {
    String claimed = Contract.researcher(request.getRequester());
    Admission unsigned = new Admission(claimed, UNSIGNED, request.getProject(), Optional.empty());
    Admission admitted;
    if (verifier.isPresent() && (required || !request.getIdentityStatement().isEmpty())) {
      IdentityStatement statement;
      try {
        statement = verifier.get().verify(request.getIdentityStatement(), node, Contract.requestBinding(request));
      } catch (StatementException e) {
        Status.Code code = e.failure() == StatementException.Failure.OVERLOADED ? Status.Code.RESOURCE_EXHAUSTED
            : e.failure().authentication() ? Status.Code.UNAUTHENTICATED : Status.Code.PERMISSION_DENIED;
        return unsigned.refused(new RequestException(code, "identity-statement: node " + node + " refuses the "
            + "request: " + e.getMessage()));
      }
      admitted = new Admission(statement.researcher(), statement.method().label(), request.getProject(),
          Optional.empty());
      if (!statement.researcher().equals(claimed) || !statement.project().equals(request.getProject())) {
        return admitted.refused(RequestException.denied("identity-statement: node " + node + " refuses the request:"
            + " its requester or project differs from the coordinator's signed statement"));
      }
    } else {
      admitted = unsigned;
    }
    if (approvals.isPresent()) {
      Optional<String> denial = approvals.get().current().denial(request.getProject(), admitted.researcher(),
          request.getDataset(), analysis, node, LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
      if (denial.isPresent()) {
        return admitted.refused(RequestException.denied("approval: " + denial.get()));
      }
    }
    return admitted;
  }
}
