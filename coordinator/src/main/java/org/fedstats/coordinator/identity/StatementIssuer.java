package org.fedstats.coordinator.identity;

import java.util.Optional;
import org.fedstats.common.Contract;
import org.fedstats.pki.statement.IdentityStatement;
import org.fedstats.pki.statement.StatementSigner;
import org.fedstats.proto.v1.NodeAnalysisRequest;

/**
 * Adds the coordinator's signed identity statement to each request it sends a node: who asked, how the coordinator
 * knows, the project, and the hash of the exact request, for that node only. Without a signing key, requests go
 * without a statement (a node that requires one refuses them).
 */
public final class StatementIssuer {
  /** Signs nothing. */
  public static final StatementIssuer NONE = new StatementIssuer(Optional.empty());

  private final Optional<StatementSigner> signer;

  private StatementIssuer(Optional<StatementSigner> signer) {
    this.signer = signer;
  }

  public static StatementIssuer with(StatementSigner signer) {
    return new StatementIssuer(Optional.of(signer));
  }

  /** Whether requests go with a statement. */
  public boolean signs() {
    return signer.isPresent();
  }

  /** {@code request} as sent to node {@code node} on behalf of {@code researcher}. */
  public NodeAnalysisRequest sign(NodeAnalysisRequest request, String node, Researcher researcher) {
    if (signer.isEmpty()) {
      return request;
    }
    IdentityStatement.Claims claims = new IdentityStatement.Claims(researcher.name(), researcher.method(),
        request.getProject(), request.getRequestId(), request.getSessionId(), request.getRound(),
        request.getDataset(), Contract.requestBinding(request));
    return request.toBuilder().setIdentityStatement(signer.get().sign(claims, node)).build();
  }
}
