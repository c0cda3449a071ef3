package org.fedstats.coordinator.service;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.fedstats.common.Text;
import org.fedstats.coordinator.federation.Federation;
import org.fedstats.coordinator.federation.UnaryAnswer;
import org.fedstats.coordinator.web.Route;
import org.fedstats.coordinator.web.WebHandler;
import org.fedstats.coordinator.web.WebRequest;
import org.fedstats.coordinator.web.WebResponse;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.FetchResultRequest;

/**
 * The researcher service over HTTP with JSON bodies, under {@value #BASE}: the same operations as the gRPC
 * {@code FederationService}, its messages in protobuf's canonical JSON mapping (every field shown, defaults too).
 * Analyses and fetches go through {@link FederationGrpcService} itself, with the web caller in the gRPC context, so
 * that the audit log, the meters, the concurrency limit, the identity statements, study approvals and every refusal
 * are the gRPC face's; a gRPC error is answered with the HTTP status Google's API guide maps it to and the same
 * description ({@link WebResponse#error(Status)}). The OpenAPI document of the whole API is served at
 * {@value #OPENAPI_PATH}, to anyone.
 */
public final class ResearcherHttpApi {
  /** Where the API lives on the web port. */
  public static final String BASE = "/api/v1";
  /** Where the API's OpenAPI document is served. */
  public static final String OPENAPI_PATH = BASE + "/openapi.yaml";
  /** The OpenAPI document's resource, next to this class. */
  public static final String OPENAPI_RESOURCE = "openapi.yaml";
  /** Its media type. */
  public static final String YAML = "application/yaml; charset=utf-8";

  private static final JsonFormat.Printer PRINTER = JsonFormat.printer().includingDefaultValueFields()
      .omittingInsignificantWhitespace();
  /** Protobuf's JSON parser; it refuses fields the message does not have. */
  static final JsonFormat.Parser PARSER = JsonFormat.parser();

  private final Federation federation;
  private final FederationGrpcService service;
  private final Duration wait;
  private final byte[] openApi;

  /**
   * The API over {@code federation}, running analyses and fetches through {@code service} (the coordinator's gRPC
   * researcher service); a request not answered within {@code wait} is given up (504 DEADLINE_EXCEEDED) and stopped
   * before its next round.
   */
  public ResearcherHttpApi(Federation federation, FederationGrpcService service, Duration wait) {
    this.federation = federation;
    this.service = service;
    if (wait.isNegative() || wait.isZero()) {
      throw new IllegalArgumentException("an HTTP request's wait must be positive: " + wait);
    }
    this.wait = wait;
    this.openApi = openApiDocument();
  }

  /**
   * How long an HTTP request waits for its answer on a federation whose nodes have {@code nodeDeadline} to answer
   * each round: a round more than the longest session has, so that a request the federation runs to its end is
   * never given up, and one that hangs is.
   */
  public static Duration waitFor(Duration nodeDeadline) {
    return nodeDeadline.multipliedBy(Federation.MAX_ROUNDS_PER_SESSION + 1L);
  }

  /** The API's routes: every one but the OpenAPI document takes authenticated researchers only. */
  public List<Route> routes() {
    return List.of(
        new Route(BASE + "/nodes", Set.of("GET"), true, exact(BASE + "/nodes",
            request -> json(federation.listNodes()))),
        new Route(BASE + "/datasets", Set.of("GET"), true, exact(BASE + "/datasets",
            request -> json(federation.listDatasets()))),
        new Route(BASE + "/analyses", Set.of("POST"), true, exact(BASE + "/analyses", this::analyse)),
        new Route(BASE + "/results", Set.of("GET"), true, this::fetch),
        new Route(OPENAPI_PATH, Set.of("GET"), false, exact(OPENAPI_PATH,
            request -> WebResponse.ok(YAML, openApi))));
  }

  /** The OpenAPI document, as served. */
  public static byte[] openApiDocument() {
    return WebResponse.resource(ResearcherHttpApi.class, OPENAPI_RESOURCE, "the OpenAPI document");
  }

  /** {@code handler} for {@code path} itself; a path under it is not found. */
  private static WebHandler exact(String path, WebHandler handler) {
    return request -> request.path().equals(path) ? handler.handle(request)
        : WebResponse.notFound(request.path());
  }

  /** POST {@value #BASE}/analyses: an AnalysisRequest in JSON, answered as RunAnalysis answers it. */
  private WebResponse analyse(WebRequest request) {
    if (request.body().length == 0) {
      return WebResponse.error(Status.INVALID_ARGUMENT.withDescription("the request has no body; it takes an "
          + "AnalysisRequest in JSON, e.g. {\"dataset\": \"colon\", \"analysis\": {\"count\": {}}}"));
    }
    AnalysisRequest.Builder analysis = AnalysisRequest.newBuilder();
    try {
      PARSER.merge(request.text(), analysis);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return WebResponse.error(Status.INVALID_ARGUMENT.withDescription("the body is not an AnalysisRequest in JSON: "
          + reason(e)));
    }
    return call(request, answer -> service.runAnalysisAsync(analysis.build(), answer));
  }

  /** GET {@value #BASE}/results/{requestId}: a request held for review, as FetchResult answers it. */
  private WebResponse fetch(WebRequest request) {
    String prefix = BASE + "/results/";
    String id = request.path().startsWith(prefix) ? request.path().substring(prefix.length()) : "";
    if (id.isEmpty() || id.contains("/")) {
      return WebResponse.error(404, "NOT_FOUND", "nothing at " + Text.echo(request.path()) + "; a result is fetched at "
          + prefix + "{requestId}");
    }
    FetchResultRequest fetch = FetchResultRequest.newBuilder().setRequestId(id).build();
    return call(request, answer -> service.fetchResultAsync(fetch, answer));
  }

  /**
   * Runs {@code start} as the gRPC face would for the web caller, and waits (at most {@link #wait}) for its answer.
   */
  private WebResponse call(WebRequest request,
      Function<StreamObserver<AnalysisResponse>, CompletableFuture<AnalysisResponse>> start) {
    CompletableFuture<AnalysisResponse> answer = new CompletableFuture<>();
    CompletableFuture<AnalysisResponse> running;
    try {
      running = Context.current().withValues(RequesterInterceptor.REQUESTER, request.requester(),
          RequesterInterceptor.RESEARCHER, request.researcher()).call(() -> start.apply(UnaryAnswer.completing(answer)));
    } catch (Exception e) {
      throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
    }
    try {
      return json(answer.get(wait.toMillis(), TimeUnit.MILLISECONDS));
    } catch (ExecutionException e) {
      return WebResponse.error(Status.fromThrowable(e.getCause()));
    } catch (TimeoutException e) {
      running.completeExceptionally(new WaitExpired());
      return WebResponse.error(Status.DEADLINE_EXCEEDED.withDescription("no answer within "
          + (wait.toMillis() < 1000 ? wait.toMillis() + " ms" : wait.toSeconds() + " s")
          + "; the coordinator stopped waiting for the request"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running.cancel(false);
      return WebResponse.error(Status.CANCELLED.withDescription("the coordinator is stopping"));
    }
  }

  /** Why protobuf's JSON parser refused a body, without a Java class name. */
  private static String reason(Exception e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getMessage() != null
        && cause.getMessage().startsWith(cause.getCause().getClass().getName())) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return message.replaceFirst("^[a-z]+(\\.[a-zA-Z]+)+(Exception|Error): ", "").trim();
  }

  static WebResponse json(MessageOrBuilder message) {
    try {
      return WebResponse.json(200, PRINTER.print(message));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("a response message has no JSON form: " + e.getMessage(), e);
    }
  }
}
