package org.fedstats.coordinator.audit;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.fedstats.common.audit.ChainedLog;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.SiteOutcome;

/**
 * The coordinator's audit log of research requests: who asked what, what each site did, and each site's audit head
 * after its answer (so a node's log can later be checked against the coordinator's record of its end). A
 * {@link ChainedLog}: {@code fedstats-coordinator audit verify} finds any entry changed after it was written.
 */
public final class RequestAudit implements AutoCloseable {
  /** No audit log (a coordinator started without one, as in tests). */
  public static final RequestAudit NONE = new RequestAudit(null);

  private static final String FETCH = "fetch";
  private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();

  private final ChainedLog log;

  private RequestAudit(ChainedLog log) {
    this.log = log;
  }

  public static RequestAudit open(Path path) throws IOException {
    return new RequestAudit(ChainedLog.open(path));
  }

  /** One site's part in a request: its outcome, the rule or error, and its audit head. */
  public record Site(String node, String status, String detail, String auditHead) {
    static Site of(SiteOutcome s) {
      String detail = switch (s.getStatus()) {
        case REFUSED -> s.getRefusal().getRule();
        case FAILED -> s.getErrorCode();
        case PENDING_REVIEW -> "ticket " + s.getReviewTicket();
        default -> s.getValuesWithheld();
      };
      return new Site(s.getNodeId(), s.getStatus().name(), detail, s.getAuditHead());
    }
  }

  /**
   * One line of the log.
   *
   * @param outcome POOLED, NOT_POOLED (no pooled value: refusals, failures), PENDING_REVIEW (a site holds its answer
   *     for review; the researcher fetches it later), or the gRPC status of a rejected request
   * @param detail the pooled note, or the rejection's message
   * @param request the request as asked (JSON), or {@code fetch} for a later fetch of a request that waited
   * @param authMethod how the coordinator authenticated the researcher: certificate, oidc, or claimed (a name the
   *     client stated to a coordinator that authenticates no one)
   * @param project the project the request was made for; empty for none (and for a fetch)
   */
  public record Entry(Instant time, String requestId, String requester, String dataset, String analysis,
      String request, String outcome, String detail, List<Site> sites, String session, int rounds,
      long durationMicros, String authMethod, String project) {}

  /** Records an answered request; throws if the log cannot be written (the researcher then gets no answer). */
  public void answered(AnalysisRequest request, String requester, String authMethod, AnalysisResponse response,
      long durationMicros) {
    if (log == null) {
      return;
    }
    log.append(new Entry(Instant.now(), response.getRequestId(), requester, request.getDataset(), kind(request),
        describe(request), outcome(response), response.getPooledNote(),
        response.getSitesList().stream().map(Site::of).toList(), response.getSessionId(), response.getRounds(),
        durationMicros, authMethod, request.getProject()));
  }

  /** Records a fetch of a request that waited for review, as answered. */
  public void fetched(String requestId, String requester, String authMethod, AnalysisResponse response,
      long durationMicros) {
    if (log == null) {
      return;
    }
    log.append(new Entry(Instant.now(), requestId, requester, "",
        response.getAnalysis().getKindCase().name().toLowerCase(Locale.ROOT), FETCH, outcome(response),
        response.getPooledNote(), response.getSitesList().stream().map(Site::of).toList(), "", response.getRounds(),
        durationMicros, authMethod, ""));
  }

  /** Records a fetch the coordinator refused (unknown request, another researcher's...). */
  public void fetchRejected(String requestId, String requester, String authMethod, Status status,
      long durationMicros) {
    if (log == null) {
      return;
    }
    log.append(new Entry(Instant.now(), requestId, requester, "", "", FETCH, status.getCode().name(),
        String.valueOf(status.getDescription()), List.of(), "", 0, durationMicros, authMethod, ""));
  }

  private static String outcome(AnalysisResponse response) {
    if (response.getPooledAvailable()) {
      return "POOLED";
    }
    return response.getSitesList().stream().anyMatch(s -> s.getStatus() == SiteOutcome.Status.PENDING_REVIEW)
        ? "PENDING_REVIEW" : "NOT_POOLED";
  }

  /** Records a request the coordinator did not run or that failed. */
  public void rejected(AnalysisRequest request, String requester, String authMethod, Status status,
      long durationMicros) {
    if (log == null) {
      return;
    }
    log.append(new Entry(Instant.now(), "", requester, request.getDataset(), kind(request), describe(request),
        status.getCode().name(), String.valueOf(status.getDescription()), List.of(), "", 0, durationMicros,
        authMethod, request.getProject()));
  }

  private static String kind(AnalysisRequest request) {
    return request.getAnalysis().getKindCase().name().toLowerCase(Locale.ROOT);
  }

  private static String describe(AnalysisRequest request) {
    try {
      return JSON.print(request);
    } catch (InvalidProtocolBufferException e) {
      return request.toString();
    }
  }

  @Override
  public void close() throws IOException {
    if (log != null) {
      log.close();
    }
  }
}
