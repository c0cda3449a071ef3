package org.fedstats.coordinator.federation;

import io.grpc.Status;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;

/**
 * Hears what the federation does, whoever asked it (the gRPC researcher service, the HTTP API, a test): each research
 * request as it ends (answered, rejected or failed) and each health check of a node. Called on the federation's own
 * threads: an observer returns quickly and never throws.
 */
public interface FederationObserver {
  /** Hears nothing. */
  FederationObserver NONE = new FederationObserver() {};

  /** A research request ended: its response, or the status it was rejected or failed with. */
  default void requestEnded(Ended request) {}

  /** A health check of {@code nodeId} ended after {@code took}; {@code up}: the node answered. */
  default void healthChecked(String nodeId, boolean up, Duration took) {}

  /**
   * One research request, as it ended.
   *
   * @param operation {@code run} (a new request) or {@code fetch} (a request waiting for review, fetched)
   * @param researcher who asked, by name
   * @param request what was asked (for a fetch rejected before its request was found, the default instance)
   * @param startedEpochMs when it was asked
   * @param took how long it took until it ended
   * @param response the response, when there is one
   * @param status OK with a response; else why there is none
   */
  record Ended(String operation, String researcher, AnalysisRequest request, long startedEpochMs, Duration took,
      Optional<AnalysisResponse> response, Status status) {
    public Ended {
      Objects.requireNonNull(operation, "operation");
      Objects.requireNonNull(researcher, "researcher");
      Objects.requireNonNull(request, "request");
      Objects.requireNonNull(took, "took");
      Objects.requireNonNull(response, "response");
      Objects.requireNonNull(status, "status");
      if (response.isPresent() != status.isOk()) {
        throw new IllegalArgumentException("a request ends with a response and OK, or with neither: " + status);
      }
    }
  }
}
