package org.fedstats.client;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.client.analysis.View;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.Perturbation;
import org.fedstats.proto.v1.SiteOutcome;

/**
 * What the federation answered, per site and pooled, typed by the analysis's result view ({@code Count},
 * {@code Summary}, ... in the packages under {@code org.fedstats.client.analysis}).
 */
public final class Results {
  private Results() {}

  /** A refusal by a node's disclosure control: rule, threshold, reason. */
  public record Refusal(String rule, long threshold, String reason) {}

  /**
   * What one site did with the request. {@code valuesWithheld}: for a site that answered without its result being
   * shown, why (e.g. {@code pooled-only}: its node keeps its values for pooling only); empty otherwise.
   * {@code perturbation}: the noise its node added to its result, when its dataset's policy adds any.
   * {@code reviewTicket}: for a site whose answer waits for its data steward's review (status PENDING_REVIEW), the
   * node's ticket; empty otherwise.
   */
  public record Site<T>(String nodeId, SiteOutcome.Status status, Optional<T> result, Optional<Refusal> refusal,
      String errorCode, String error, double latencyMs, String valuesWithheld, Optional<Perturbation> perturbation,
      String reviewTicket) {
    public Site {
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(valuesWithheld, "valuesWithheld");
      Objects.requireNonNull(perturbation, "perturbation");
      Objects.requireNonNull(reviewTicket, "reviewTicket");
    }

    /**
     * One line saying what noise the site's values carry, e.g. "perturbed: cell-key, each count by at most 3" or
     * "perturbed: dp-laplace, spent epsilon 0.1 delta 0, left epsilon 0.9 delta 0"; empty for exact values.
     */
    public Optional<String> perturbationNote() {
      return perturbation.map(p -> "perturbed: " + p.getMethod() + (p.getMethod().equals("cell-key")
          ? ", each count by at most " + p.getMaxNoise() + " (the same records always give the same count)"
          : ", spent epsilon " + p.getEpsilonSpent() + " delta " + p.getDeltaSpent() + ", left epsilon "
              + p.getEpsilonRemaining() + " delta " + p.getDeltaRemaining())
          + (p.getNote().isEmpty() ? "" : "; " + p.getNote()));
    }

    /** "site values withheld: pooled-only", or empty when the site's values are shown. */
    public Optional<String> withheldNote() {
      return valuesWithheld.isEmpty() ? Optional.empty() : Optional.of("site values withheld: " + valuesWithheld);
    }
  }

  /** Per-site outcomes and the pooled value (absent, with a note saying why, when it could not be pooled). */
  public record Result<T>(String requestId, List<Site<T>> sites, Optional<T> pooled, String note,
      List<String> pooledOver, AnalysisResponse response) {
    public Result {
      sites = List.copyOf(sites);
      pooledOver = List.copyOf(pooledOver);
    }

    public boolean complete() {
      return sites.stream().allMatch(s -> s.status() == SiteOutcome.Status.ANSWERED);
    }

    /**
     * Whether a site's answer waits for its data steward's review: fetch the result later with
     * {@link FederationClient#fetch} and this result's {@link #requestId}.
     */
    public boolean pendingReview() {
      return sites.stream().anyMatch(s -> s.status() == SiteOutcome.Status.PENDING_REVIEW);
    }

    public T pooledOrThrow() {
      return pooled.orElseThrow(() -> new IllegalStateException(note));
    }
  }

  /** A response decoded with the view of the analysis that was asked for. */
  public static <T> Result<T> of(AnalysisResponse response, View<T> view) {
    List<Site<T>> sites = new ArrayList<>();
    for (SiteOutcome s : response.getSitesList()) {
      Optional<T> result = s.getStatus() == SiteOutcome.Status.ANSWERED && s.hasResult()
          ? Optional.of(view.decode(s.getResult())) : Optional.empty();
      Optional<Refusal> refusal = s.getStatus() == SiteOutcome.Status.REFUSED
          ? Optional.of(new Refusal(s.getRefusal().getRule(), s.getRefusal().getThreshold(),
              s.getRefusal().getReason()))
          : Optional.empty();
      sites.add(new Site<>(s.getNodeId(), s.getStatus(), result, refusal, s.getErrorCode(), s.getError(),
          s.getLatencyMs(), s.getValuesWithheld(),
          s.hasPerturbation() ? Optional.of(s.getPerturbation()) : Optional.empty(), s.getReviewTicket()));
    }
    Optional<T> pooled = response.getPooledAvailable()
        ? Optional.of(view.decode(response.getPooled())) : Optional.empty();
    return new Result<>(response.getRequestId(), sites, pooled, response.getPooledNote(),
        response.getPooledNodeIdsList(), response);
  }
}
