package org.fedstats.coordinator.monitor;

import java.util.List;
import java.util.Objects;

/**
 * One research request as the dashboard lists it: who asked what of which dataset, how each site answered and how
 * long it took. Never a result value, and no free text (a rejection's description or a node's message can quote
 * the request's formula or filter): the request carries its status code, the sites' outcomes only their status, a
 * refusal's rule, a failure's status code and the latency.
 *
 * @param requestId the coordinator's request id (empty for a request rejected before it got one)
 * @param operation {@code run} or {@code fetch}
 * @param atMs when it was asked (epoch ms)
 * @param researcher who asked
 * @param project the project it was asked for (empty: none)
 * @param dataset the dataset (empty when not known)
 * @param analysis the kind of analysis, e.g. {@code count}, {@code glm} (empty when not known)
 * @param outcome {@code POOLED}, {@code NOT POOLED}, {@code WAITING FOR REVIEW} or {@code REJECTED}
 * @param code OK, or the status it was rejected or failed with
 * @param durationMs from the request to its end
 * @param rounds rounds of fan-out (0 when it never fanned out)
 * @param sites each site's outcome
 */
public record RequestEntry(String requestId, String operation, long atMs, String researcher, String project,
    String dataset, String analysis, String outcome, String code, double durationMs, int rounds,
    List<Site> sites) {
  public RequestEntry {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(researcher, "researcher");
    Objects.requireNonNull(project, "project");
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(analysis, "analysis");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(code, "code");
    sites = List.copyOf(sites);
  }

  /** Whether site {@code nodeId} took part. */
  public boolean involves(String nodeId) {
    return sites.stream().anyMatch(s -> s.node().equals(nodeId));
  }

  /**
   * One site's outcome.
   *
   * @param node the node's id
   * @param status ANSWERED, REFUSED, FAILED or PENDING_REVIEW
   * @param rule a refusal's disclosure rule (empty otherwise)
   * @param errorCode a failure's status code (empty otherwise)
   * @param latencyMs the node's answer time
   */
  public record Site(String node, String status, String rule, String errorCode, double latencyMs) {
    public Site {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(rule, "rule");
      Objects.requireNonNull(errorCode, "errorCode");
    }
  }
}
