package org.fedstats.coordinator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.fedstats.coordinator.service.ApiFederation.get;
import static org.fedstats.coordinator.service.ApiFederation.json;
import static org.fedstats.coordinator.service.ApiFederation.post;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.fedstats.coordinator.audit.RequestAudit;
import org.fedstats.coordinator.identity.Researcher;
import org.fedstats.coordinator.web.Route;
import org.fedstats.coordinator.web.WebRequest;
import org.fedstats.coordinator.web.WebResponse;
import org.fedstats.node.review.ReleaseQueue;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.Coefficient;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.FetchResultRequest;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.GlmFamily;
import org.fedstats.proto.v1.ModelFit;
import org.fedstats.proto.v1.ReviewDecision;
import org.fedstats.proto.v1.SiteOutcome;
import org.fedstats.proto.v1.SummaryAnalysis;
import org.fedstats.proto.v1.SummaryResult;
import org.fedstats.proto.v1.TableAnalysis;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The researcher HTTP/JSON API against a plaintext coordinator with three real nodes on 127.0.0.1, side by side with
 * the gRPC researcher service: the same pooled values, the same refusals and errors (status name and message), the
 * same audit log and meters; what the JSON parser refuses is said.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ResearcherHttpApiTest {
  private static final String GLM = "status ~ rx + sex + age";

  private ApiFederation federation;
  private HttpClient http;
  private String analyses;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    // site1 holds two-way tables for its steward's review.
    federation = new ApiFederation(dir, false, "min-cell-count: 5", "review: {analyses: [table]}");
    http = federation.http();
    analyses = federation.web() + "/api/v1/analyses";
  }

  @AfterAll
  void stop() throws Exception {
    federation.close();
  }

  private static AnalysisRequest request(Analysis analysis) {
    return AnalysisRequest.newBuilder().setDataset("colon").setAnalysis(analysis).build();
  }

  private static AnalysisResponse parse(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue(WebResponse.JSON);
    AnalysisResponse.Builder b = AnalysisResponse.newBuilder();
    JsonFormat.parser().merge(response.body(), b);
    return b.build();
  }

  private AnalysisResponse overHttp(AnalysisRequest request) throws Exception {
    return parse(post(http, analyses, "alice", json(request)));
  }

  private static JsonObject error(HttpResponse<String> response) {
    return JsonParser.parseString(response.body()).getAsJsonObject().getAsJsonObject("error");
  }

  /** The HTTP answer is the gRPC error {@code grpc} gives: the mapped status, its name and its description. */
  private static void assertSameError(HttpResponse<String> response, Supplier<?> grpc) {
    Status status = Status.fromThrowable(catchStatus(grpc));
    JsonObject error = error(response);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(WebResponse.httpStatus(status.getCode()))
        .isEqualTo(error.get("code").getAsInt()).isGreaterThanOrEqualTo(400);
    assertThat(error.get("status").getAsString()).isEqualTo(status.getCode().name());
    assertThat(error.get("message").getAsString()).isEqualTo(status.getDescription()).isNotBlank();
  }

  private static StatusRuntimeException catchStatus(Supplier<?> grpc) {
    try {
      grpc.get();
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the gRPC call succeeded");
  }

  @Test
  void aCountASummaryAndAGlmOverHttpPoolAsOverGrpc() throws Exception {
    var grpc = federation.grpc("alice");
    AnalysisRequest count = request(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build());
    AnalysisResponse http = overHttp(count);
    AnalysisResponse viaGrpc = grpc.runAnalysis(count);
    assertThat(http.getPooledAvailable()).as(http.getPooledNote()).isTrue();
    assertThat(http.getPooled().getCount().getCount()).isPositive()
        .isEqualTo(viaGrpc.getPooled().getCount().getCount())
        .isEqualTo(http.getSitesList().stream().mapToLong(s -> s.getResult().getCount().getCount()).sum());
    assertThat(http.getSitesList()).extracting(SiteOutcome::getNodeId).containsExactly("site1", "site2", "site3");
    assertThat(http.getPooledNote()).isEqualTo(viaGrpc.getPooledNote());
    assertThat(http.getRequestId()).isNotEqualTo(viaGrpc.getRequestId());

    AnalysisRequest summary = request(Analysis.newBuilder().setSummary(SummaryAnalysis.newBuilder()
        .setVariable("age")).build());
    SummaryResult s = overHttp(summary).getPooled().getSummary();
    SummaryResult g = grpc.runAnalysis(summary).getPooled().getSummary();
    assertThat(s.getN()).isEqualTo(g.getN()).isPositive();
    assertThat(s.getMean()).isCloseTo(g.getMean(), within(1e-9 * Math.abs(g.getMean())));
    assertThat(s.getVariance()).isCloseTo(g.getVariance(), within(1e-9 * g.getVariance()));

    AnalysisRequest glm = request(Analysis.newBuilder().setGlm(GlmAnalysis.newBuilder().setFormula(GLM)
        .setFamily(GlmFamily.BINOMIAL)).build());
    AnalysisResponse httpGlm = overHttp(glm);
    ModelFit h = httpGlm.getPooled().getModelFit();
    ModelFit r = grpc.runAnalysis(glm).getPooled().getModelFit();
    assertThat(httpGlm.getRounds()).isGreaterThan(1);
    assertThat(h.getConverged()).isTrue();
    assertThat(h.getN()).isEqualTo(r.getN());
    assertThat(h.getCoefficientsList()).extracting(Coefficient::getTerm)
        .containsExactlyElementsOf(r.getCoefficientsList().stream().map(Coefficient::getTerm).toList())
        .contains("(Intercept)", "rxLev", "age");
    for (int i = 0; i < r.getCoefficientsCount(); i++) {
      Coefficient a = h.getCoefficients(i);
      Coefficient b = r.getCoefficients(i);
      assertThat(a.getEstimate()).isCloseTo(b.getEstimate(), within(1e-9 * Math.abs(b.getEstimate())));
      assertThat(a.getStdError()).isCloseTo(b.getStdError(), within(1e-9 * b.getStdError()));
    }
    assertThat(h.getDeviance()).isCloseTo(r.getDeviance(), within(1e-9 * r.getDeviance()));
  }

  @Test
  void theJsonShowsEveryFieldAsProtobufMapsIt() throws Exception {
    HttpResponse<String> response = post(http, analyses, "alice", "{\"dataset\": \"colon\", \"analysis\": "
        + "{\"count\": {}}, \"filter\": {\"comparison\": {\"variable\": \"age\", \"op\": \"GE\", \"value\": "
        + "{\"number\": 50}}}}");
    JsonObject body = JsonParser.parseString(response.body()).getAsJsonObject();
    assertThat(body.get("pooledAvailable").getAsBoolean()).isTrue();
    // 64-bit integers are strings in protobuf's JSON; defaults are shown.
    assertThat(body.getAsJsonObject("pooled").getAsJsonObject("count").get("count").getAsJsonPrimitive()
        .isString()).isTrue();
    assertThat(body.has("sessionId")).isTrue();
    assertThat(body.getAsJsonArray("sites").get(0).getAsJsonObject().get("status").getAsString())
        .isEqualTo("ANSWERED");
  }

  @Test
  void refusalsAndErrorsAreTheGrpcServicesOwn() throws Exception {
    var grpc = federation.grpc("alice");
    AnalysisRequest unknownDataset = AnalysisRequest.newBuilder().setDataset("colonn")
        .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build();
    assertSameError(post(http, analyses, "alice", json(unknownDataset)), () -> grpc.runAnalysis(unknownDataset));
    AnalysisRequest noAnalysis = AnalysisRequest.newBuilder().setDataset("colon").build();
    HttpResponse<String> none = post(http, analyses, "alice", json(noAnalysis));
    assertThat(none.statusCode()).isEqualTo(400);
    assertSameError(none, () -> grpc.runAnalysis(noAnalysis));
    AnalysisRequest unknownNode = AnalysisRequest.newBuilder(request(Analysis.newBuilder()
        .setCount(CountAnalysis.getDefaultInstance()).build())).addNodeIds("site9").build();
    assertSameError(post(http, analyses, "alice", json(unknownNode)), () -> grpc.runAnalysis(unknownNode));

    String results = federation.web() + "/api/v1/results/";
    HttpResponse<String> notAnId = get(http, results + "not-an-id", "alice");
    assertThat(notAnId.statusCode()).isEqualTo(400);
    assertSameError(notAnId, () -> grpc.fetchResult(FetchResultRequest.newBuilder().setRequestId("not-an-id")
        .build()));
    String never = UUID.randomUUID().toString();
    HttpResponse<String> notFound = get(http, results + never, "alice");
    assertThat(notFound.statusCode()).isEqualTo(404);
    assertSameError(notFound, () -> grpc.fetchResult(FetchResultRequest.newBuilder().setRequestId(never).build()));
  }

  @Test
  void aResultHeldForReviewIsFetchedOverHttpOnlyByWhoAskedIt() throws Exception {
    AnalysisRequest table = request(Analysis.newBuilder().setTable(TableAnalysis.newBuilder().setRowVariable("rx")
        .setColumnVariable("sex")).build());
    AnalysisResponse held = overHttp(table);
    SiteOutcome site1 = held.getSites(0);
    assertThat(site1.getStatus()).isEqualTo(SiteOutcome.Status.PENDING_REVIEW);
    assertThat(held.getPooledAvailable()).isFalse();
    String url = federation.web() + "/api/v1/results/" + held.getRequestId();

    // Bob may not fetch alice's request: the gRPC service's refusal, word for word.
    HttpResponse<String> bob = get(http, url, "bob");
    assertThat(bob.statusCode()).isEqualTo(403);
    assertSameError(bob, () -> federation.grpc("bob").fetchResult(FetchResultRequest.newBuilder()
        .setRequestId(held.getRequestId()).build()));

    assertThat(parse(get(http, url, "alice")).getSites(0).getStatus()).isEqualTo(SiteOutcome.Status.PENDING_REVIEW);
    new ReleaseQueue(federation.sites.get("site1").stateDir()).decide(ReviewDecision.newBuilder()
        .setTicket(site1.getReviewTicket()).setApproved(true).setSteward("dana").build());
    AnalysisResponse fetched = parse(get(http, url, "alice"));
    assertThat(fetched.getSitesList()).extracting(SiteOutcome::getStatus).containsOnly(SiteOutcome.Status.ANSWERED);
    assertThat(fetched.getPooledAvailable()).as(fetched.getPooledNote()).isTrue();
    assertThat(fetched.getAnalysis()).isEqualTo(table.getAnalysis());
    assertThat(Files.readString(federation.auditLog)).contains(held.getRequestId());
  }

  @Test
  void badJsonIsRefusedSayingWhatIsWrong() throws Exception {
    record Case(String body, String says) {}
    for (Case c : List.of(
        new Case("{\"dataset\": \"colon\", \"analysis\": {\"count\": {}", "not an AnalysisRequest in JSON"),
        new Case("[1, 2]", "not an AnalysisRequest in JSON"),
        new Case("{\"dataset\": \"colon\", \"analysis\": {\"count\": {}}, \"colour\": 1}", "colour"),
        new Case("{\"dataset\": \"colon\", \"analysis\": {\"glm\": {\"formula\": \"status ~ age\", "
            + "\"family\": \"BINOMAL\"}}}", "BINOMAL"),
        new Case("{\"dataset\": \"colon\", \"analysis\": {\"count\": {}, \"summary\": {\"variable\": \"age\"}}}",
            "oneof"),
        new Case("", "has no body"))) {
      HttpResponse<String> response = post(http, analyses, "alice", c.body());
      assertThat(response.statusCode()).as(c.body()).isEqualTo(400);
      JsonObject error = error(response);
      assertThat(error.get("status").getAsString()).isEqualTo("INVALID_ARGUMENT");
      assertThat(error.get("message").getAsString()).as(c.body()).contains(c.says()).doesNotContain("Exception");
    }
    HttpResponse<String> wrongMethod = get(http, analyses, "alice");
    assertThat(wrongMethod.statusCode()).isEqualTo(405);
    assertThat(get(http, federation.web() + "/api/v1/results/", "alice").statusCode()).isEqualTo(404);
    assertThat(get(http, federation.web() + "/api/v1/nodes/site1", "alice").statusCode()).isEqualTo(404);
  }

  @Test
  void theCoordinatorAuditsAndMeasuresHttpRequestsAsGrpcOnes() throws Exception {
    Supplier<Long> counted = () -> federation.meters.find(RequestMeters.REQUESTS).tag("analysis", "count")
        .tag("status", "OK").timers().stream().mapToLong(Timer::count).sum();
    long before = counted.get();
    AnalysisResponse r = overHttp(request(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())
        .build()));
    assertThat(counted.get()).isEqualTo(before + 1);
    String entry = Files.readAllLines(federation.auditLog).stream().filter(l -> l.contains(r.getRequestId()))
        .findFirst().orElseThrow();
    // Who asked, from where (the web client's address), as for a gRPC call.
    assertThat(JsonParser.parseString(entry).getAsJsonObject().get("requester").getAsString())
        .startsWith("alice@/127.0.0.1:");
    assertThat(entry).contains("\"dataset\":\"colon\"").contains("count");

    HttpResponse<String> refused = post(http, analyses, "alice", "{\"dataset\": \"nowhere\", \"analysis\": "
        + "{\"count\": {}}}");
    assertThat(refused.statusCode()).isGreaterThanOrEqualTo(400);
    assertThat(Files.readString(federation.auditLog)).contains("nowhere");
  }

  @Test
  void aRequestNotAnsweredWithinTheWaitIsGivenUpStoppedAndAudited(@TempDir Path dir) throws Exception {
    var coordinator = federation.coordinator.federation();
    assertThatThrownBy(() -> new ResearcherHttpApi(coordinator, new FederationGrpcService(coordinator),
        Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Path auditLog = dir.resolve("coordinator-audit.jsonl");
    RequestAudit audit = RequestAudit.open(auditLog);
    ResearcherHttpApi impatient = new ResearcherHttpApi(coordinator, new FederationGrpcService(coordinator,
        audit, meters), Duration.ofMillis(1));
    Route route = impatient.routes().stream().filter(r -> r.prefix().endsWith("/analyses")).findFirst()
        .orElseThrow();
    String glm = json(request(Analysis.newBuilder().setGlm(GlmAnalysis.newBuilder().setFormula(GLM)
        .setFamily(GlmFamily.BINOMIAL)).build()));
    WebResponse response = route.handler().handle(new WebRequest("POST", route.prefix(),
        glm.getBytes(StandardCharsets.UTF_8), Researcher.claimed("alice"), "alice@test"));
    assertThat(response.status()).isEqualTo(504);
    assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("DEADLINE_EXCEEDED")
        .contains("no answer within 1 ms").contains("stopped waiting");
    // The rounds stop: the request ends cancelled, before it would have converged.
    long start = System.nanoTime();
    while (meters.find(RequestMeters.REQUESTS).tag("status", "DEADLINE_EXCEEDED").timer() == null) {
      assertThat(System.nanoTime() - start).as("cancelled within the wait").isLessThan(
          ApiFederation.WAIT.toNanos());
      Thread.sleep(10);
    }
    // The nodes worked on it: the coordinator's audit log keeps the request, as given up.
    audit.close();
    assertThat(Files.readAllLines(auditLog)).singleElement().satisfies(line -> {
      JsonObject entry = JsonParser.parseString(line).getAsJsonObject();
      assertThat(entry.get("outcome").getAsString()).isEqualTo("DEADLINE_EXCEEDED");
      assertThat(entry.get("detail").getAsString()).contains("wait ran out");
      assertThat(entry.get("requester").getAsString()).isEqualTo("alice@test");
      assertThat(entry.get("request").getAsString()).contains(GLM);
    });
  }
}
