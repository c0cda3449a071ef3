package org.fedstats.pki.statement;

import java.time.Instant;
import java.util.Objects;

/**
 * What a coordinator states to one node about one request it forwards: who asked, how the coordinator knows, for
 * which project, and which request exactly ({@code binding}: {@code Contract.requestBinding}), signed by the
 * coordinator's key ({@link StatementSigner}) and checked by the node ({@link StatementVerifier}).
 *
 * @param issuer the coordinator's name (its certificate's CN)
 * @param researcher the researcher's verified name
 * @param method how the coordinator verified it
 * @param project the project the request names; empty for none
 * @param requestId the coordinator's request id
 * @param sessionId the session of a multi-round analysis; empty for a single round
 * @param round the round within the session
 * @param dataset the dataset asked
 * @param binding the hash of the exact node request the statement goes with
 * @param audience the node the statement is for (its node id)
 * @param issuedAt when the coordinator signed it
 * @param expiresAt after when no node takes it
 * @param id a unique id; a node takes each statement once
 */
public record IdentityStatement(String issuer, String researcher, AuthMethod method, String project,
    String requestId, String sessionId, int round, String dataset, String binding, String audience,
    Instant issuedAt, Instant expiresAt, String id) {
  public IdentityStatement {
    Objects.requireNonNull(issuer, "issuer");
    if (researcher == null || researcher.isBlank()) {
      throw new IllegalArgumentException("an identity statement names its researcher");
    }
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(sessionId, "sessionId");
    Objects.requireNonNull(dataset, "dataset");
    if (binding == null || binding.isEmpty()) {
      throw new IllegalArgumentException("an identity statement is bound to a request");
    }
    if (audience == null || audience.isEmpty()) {
      throw new IllegalArgumentException("an identity statement is for one node");
    }
    Objects.requireNonNull(issuedAt, "issuedAt");
    Objects.requireNonNull(expiresAt, "expiresAt");
    if (!expiresAt.isAfter(issuedAt)) {
      throw new IllegalArgumentException("an identity statement expires after it is issued");
    }
    Objects.requireNonNull(id, "id");
  }

  /**
   * What the coordinator says about a request before it is signed for a node: the signer adds the issuer, audience,
   * times and id.
   */
  public record Claims(String researcher, AuthMethod method, String project, String requestId, String sessionId,
      int round, String dataset, String binding) {
    public Claims {
      Objects.requireNonNull(researcher, "researcher");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(project, "project");
      Objects.requireNonNull(requestId, "requestId");
      Objects.requireNonNull(sessionId, "sessionId");
      Objects.requireNonNull(dataset, "dataset");
      Objects.requireNonNull(binding, "binding");
    }
  }
}
