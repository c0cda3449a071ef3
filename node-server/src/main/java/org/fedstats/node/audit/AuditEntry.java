package org.fedstats.node.audit;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of a node's audit log: who asked what of which dataset, and what the node did.
 *
 * @param dataVersion the digest of the data the dataset held when the node handled the request (empty for a dataset
 *     the node does not hold): a new digest means new data, whose releases the overlap audit tracks afresh
 * @param outcome ANSWERED, REFUSED, or the gRPC status code of an error (INVALID_ARGUMENT, INTERNAL, ...), including
 *     DEADLINE_EXCEEDED and CANCELLED for a request whose caller stopped waiting (it was not answered); a second
 *     line STATE_FAILED follows an ANSWERED one whose answer was withheld because the node could not record what
 *     it released
 * @param detail the refusal's rule or the error message; empty when answered
 * @param released the SHA-256 of what left the node (the answer's bytes, before its audit head is added); empty when
 *     nothing did
 * @param session the coordinator's session of a multi-round analysis; empty for single-round ones
 * @param round the round within the session (0 for single-round analyses)
 * @param researcher who asked: the researcher the coordinator's signed identity statement names, or, for a request
 *     without a checked statement, the name its requester field claims
 * @param authMethod how the coordinator authenticated the researcher ({@code certificate}, {@code oidc},
 *     {@code claimed}), or {@code unsigned} when the request came without a statement the node checked
 * @param project the project the request was made for; empty for none
 */
public record AuditEntry(
    Instant time,
    String node,
    String requestId,
    String requester,
    String peer,
    String dataset,
    String dataVersion,
    String analysis,
    String request,
    String outcome,
    String detail,
    String released,
    String session,
    int round,
    long durationMicros,
    String researcher,
    String authMethod,
    String project) {
  public AuditEntry {
    Objects.requireNonNull(time, "time");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(released, "released");
  }
}
