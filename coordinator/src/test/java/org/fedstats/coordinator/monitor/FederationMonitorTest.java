package org.fedstats.coordinator.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.stream.StreamSupport;
import org.fedstats.coordinator.federation.FederationObserver;
import org.fedstats.coordinator.federation.NodeClient.Health;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.DatasetState;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.ListNodesResponse;
import org.fedstats.proto.v1.NodeStatus;
import org.fedstats.proto.v1.Refusal;
import org.fedstats.proto.v1.SiteOutcome;
import org.junit.jupiter.api.Test;

/** The dashboard's history, fed by hand with a clock of the test's own: no sockets, no nodes. */
class FederationMonitorTest {
  private static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();

  /** A clock the test moves. */
  private static final class TestClock extends Clock {
    long now = T0;

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(now);
    }

    void advance(Duration d) {
      now += d.toMillis();
    }
  }

  private final TestClock clock = new TestClock();
  private final FederationMonitor monitor = new FederationMonitor(clock);

  private static ListNodesResponse nodes(boolean site1Up, boolean site2Up) {
    return ListNodesResponse.newBuilder()
        .addNodes(NodeStatus.newBuilder().setNodeId("site1").setReachable(site1Up).setVersion("1.4.0")
            .setLink("inbound").setAddress("127.0.0.1:7051")
            .addDatasetStates(DatasetState.newBuilder().setDataset("colon").setDataVersion("ab12cd34ef56")
                .setRows(311).setPolicyHash("9f8e7d6c5b4a")))
        .addNodes(NodeStatus.newBuilder().setNodeId("site2").setReachable(site2Up).setLink("inbound")
            .setLastError(site2Up ? "" : "UNAVAILABLE: io exception").addDrift("colon: policy differs from site1"))
        .build();
  }

  private static JsonObject node(JsonObject state, String id) {
    return StreamSupport.stream(state.getAsJsonArray("nodes").spliterator(), false).map(e -> e.getAsJsonObject())
        .filter(n -> n.get("id").getAsString().equals(id)).findFirst().orElseThrow();
  }

  private static AnalysisRequest count(String project) {
    return AnalysisRequest.newBuilder().setDataset("colon").setProject(project)
        .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build();
  }

  private static SiteOutcome answered(String node, long count, double ms) {
    return SiteOutcome.newBuilder().setNodeId(node).setStatus(SiteOutcome.Status.ANSWERED).setLatencyMs(ms)
        .setResult(AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(count))).build();
  }

  private static SiteOutcome refused(String node, String rule) {
    return SiteOutcome.newBuilder().setNodeId(node).setStatus(SiteOutcome.Status.REFUSED).setLatencyMs(4)
        .setRefusal(Refusal.newBuilder().setRule(rule).setThreshold(10).setReason("a cell of 3 < 10")).build();
  }

  private static SiteOutcome failed(String node) {
    return SiteOutcome.newBuilder().setNodeId(node).setStatus(SiteOutcome.Status.FAILED).setErrorCode("UNAVAILABLE")
        .setError("node site2 is down").build();
  }

  private FederationObserver.Ended ended(AnalysisRequest request, AnalysisResponse response, long tookMs) {
    return new FederationObserver.Ended("run", "alice", request, clock.millis() - tookMs, Duration.ofMillis(tookMs),
        Optional.of(response), Status.OK);
  }

  @Test
  void aNodeThatGoesDownIsDownSinceTheNodeClientSaysAndUpAgainSinceItWasSeenUp() {
    monitor.nodeState("site2", Health.UP, Optional.empty(), "");
    clock.advance(Duration.ofSeconds(30));
    Instant downAt = Instant.ofEpochMilli(clock.now - 2_000);
    monitor.nodeState("site2", Health.DOWN, Optional.of(downAt), "UNAVAILABLE: io exception");
    clock.advance(Duration.ofSeconds(5));
    monitor.nodeState("site2", Health.DOWN, Optional.of(downAt), "UNAVAILABLE: io exception");   // no new transition

    JsonObject site2 = node(monitor.state(nodes(true, false)), "site2");
    assertThat(site2.get("state").getAsString()).isEqualTo("DOWN");
    assertThat(site2.get("since").getAsLong()).isEqualTo(downAt.toEpochMilli());
    assertThat(site2.get("lastError").getAsString()).isEqualTo("UNAVAILABLE: io exception");
    assertThat(site2.getAsJsonArray("drift").get(0).getAsString()).contains("policy differs");

    clock.advance(Duration.ofSeconds(10));
    monitor.nodeState("site2", Health.UP, Optional.empty(), "");
    JsonObject page = monitor.node("site2", nodes(true, true)).orElseThrow();
    assertThat(page.getAsJsonObject("node").get("state").getAsString()).isEqualTo("UP");
    assertThat(page.getAsJsonObject("node").get("since").getAsLong()).isEqualTo(clock.now);
    JsonArray transitions = page.getAsJsonArray("transitions");
    assertThat(transitions).hasSize(3);
    assertThat(transitions.get(0).getAsJsonObject().get("state").getAsString()).isEqualTo("UP");
    assertThat(transitions.get(1).getAsJsonObject().get("state").getAsString()).isEqualTo("DOWN");
    assertThat(transitions.get(1).getAsJsonObject().get("reason").getAsString()).contains("io exception");
    assertThat(monitor.node("site9", nodes(true, true))).isEmpty();
  }

  @Test
  void theBadgeFollowsTheFederationsViewAndANodeNeverHeardFromIsUnknown() {
    JsonObject state = monitor.state(nodes(true, false));
    assertThat(node(state, "site1").get("state").getAsString()).isEqualTo("UP");
    assertThat(node(state, "site2").get("state").getAsString()).isEqualTo("UNKNOWN");
    JsonObject site1 = node(state, "site1");
    assertThat(site1.get("version").getAsString()).isEqualTo("1.4.0");
    JsonObject colon = site1.getAsJsonArray("datasets").get(0).getAsJsonObject();
    assertThat(colon.get("name").getAsString()).isEqualTo("colon");
    assertThat(colon.get("dataVersion").getAsString()).isEqualTo("ab12cd34ef56");
    assertThat(colon.get("policyHash").getAsString()).isEqualTo("9f8e7d6c5b4a");
    assertThat(colon.has("rows")).as("row counts are not shown").isFalse();
  }

  @Test
  void latencyPercentilesCoverTheLastFiveMinutesOfHealthChecksAndOfResearchCallsApart() {
    monitor.healthChecked("site1", true, Duration.ofMillis(900));   // leaves the window below
    clock.advance(FederationMonitor.LATENCY_WINDOW.plusSeconds(1));
    for (int ms = 1; ms <= 100; ms++) {
      monitor.healthChecked("site1", true, Duration.ofMillis(ms));
    }
    monitor.healthChecked("site1", false, Duration.ofMillis(5_000));   // a failed check has no latency
    monitor.requestEnded(ended(count(""), AnalysisResponse.newBuilder().addSites(answered("site1", 10, 40))
        .addSites(answered("site2", 20, 80)).build(), 90));

    JsonObject site1 = node(monitor.state(nodes(true, true)), "site1");
    JsonObject checks = site1.getAsJsonObject("checks");
    assertThat(checks.get("samples").getAsInt()).isEqualTo(100);
    assertThat(checks.get("p50").getAsDouble()).isEqualTo(50);
    assertThat(checks.get("p99").getAsDouble()).isEqualTo(99);
    assertThat(site1.getAsJsonObject("calls").get("p50").getAsDouble()).isEqualTo(40);
    assertThat(site1.getAsJsonObject("totals").get("checksDown").getAsLong()).isEqualTo(1);
    JsonObject site2 = node(monitor.state(nodes(true, true)), "site2");
    assertThat(site2.getAsJsonObject("checks").get("samples").getAsInt()).isZero();
    assertThat(site2.getAsJsonObject("checks").get("p50").isJsonNull()).isTrue();
  }

  @Test
  void aRequestIsListedWithWhoWhatAndEachSitesOutcomeButNoResultValue() {
    clock.advance(Duration.ofSeconds(3));
    AnalysisResponse response = AnalysisResponse.newBuilder().setRequestId("5f0c6f2e-1111-4222-8333-944455556666")
        .addSites(answered("site1", 7_654_321, 12)).addSites(refused("site3", "min-cell-count"))
        .addSites(failed("site2")).setPooledAvailable(false).setPooledNote("no pooled value: site3 refused")
        .setPooled(AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(9_876_543))).build();
    monitor.requestEnded(ended(count("colon-study"), response, 250));

    JsonObject state = monitor.state(nodes(true, true));
    assertThat(state.toString()).doesNotContain("7654321").doesNotContain("9876543").doesNotContain("a cell of 3");
    JsonObject r = state.getAsJsonArray("requests").get(0).getAsJsonObject();
    assertThat(r.get("researcher").getAsString()).isEqualTo("alice");
    assertThat(r.get("project").getAsString()).isEqualTo("colon-study");
    assertThat(r.get("dataset").getAsString()).isEqualTo("colon");
    assertThat(r.get("analysis").getAsString()).isEqualTo("count");
    assertThat(r.get("outcome").getAsString()).isEqualTo("NOT POOLED");
    assertThat(r.get("durationMs").getAsDouble()).isEqualTo(250);
    assertThat(r.get("requestId").getAsString()).startsWith("5f0c6f2e");
    JsonArray sites = r.getAsJsonArray("sites");
    assertThat(sites).hasSize(3);
    assertThat(sites.get(1).getAsJsonObject().get("rule").getAsString()).isEqualTo("min-cell-count");
    assertThat(sites.get(2).getAsJsonObject().get("errorCode").getAsString()).isEqualTo("UNAVAILABLE");

    JsonObject refusal = state.getAsJsonArray("refusals").get(0).getAsJsonObject();
    assertThat(refusal.get("rule").getAsString()).isEqualTo("min-cell-count");
    assertThat(refusal.getAsJsonObject("nodes").get("site3").getAsLong()).isEqualTo(1);

    JsonObject site2 = node(monitor.state(nodes(true, true)), "site2");
    assertThat(site2.getAsJsonObject("lastMinute").get("errors").getAsLong()).isEqualTo(1);
    // Only the status code: a node's message may quote the request.
    assertThat(site2.get("lastError").getAsString()).isEqualTo("UNAVAILABLE");
    assertThat(monitor.node("site3", ListNodesResponse.newBuilder().addNodes(NodeStatus.newBuilder()
        .setNodeId("site3")).build()).orElseThrow().getAsJsonArray("requests")).hasSize(1);
    assertThat(monitor.node("site1", nodes(true, true)).orElseThrow().getAsJsonArray("refusals")).isEmpty();
  }

  @Test
  void aRejectedRequestIsListedWithItsStatus() {
    monitor.requestEnded(new FederationObserver.Ended("run", "bob", count(""), clock.millis(), Duration.ZERO,
        Optional.empty(), Status.NOT_FOUND.withDescription("dataset 'colonn' is not held by any node")));
    JsonObject state = monitor.state(nodes(true, true));
    JsonObject r = state.getAsJsonArray("requests").get(0).getAsJsonObject();
    assertThat(r.get("outcome").getAsString()).isEqualTo("REJECTED");
    assertThat(r.get("code").getAsString()).isEqualTo("NOT_FOUND");
    assertThat(r.has("note")).isFalse();
    assertThat(r.getAsJsonArray("sites")).isEmpty();
    assertThat(state.getAsJsonObject("coordinator").get("rejectedTotal").getAsLong()).isEqualTo(1);
  }

  @Test
  void noRejectionDescriptionOrNodeMessageReachesTheDashboard() {
    String formula = "status ~ secret_marker_var";
    String filter = "age > 77 and sex == 'F'";
    AnalysisRequest glm = AnalysisRequest.newBuilder().setDataset("colon")
        .setAnalysis(Analysis.newBuilder().setGlm(GlmAnalysis.newBuilder().setFormula(formula))).build();
    monitor.requestEnded(new FederationObserver.Ended("run", "bob", glm, clock.millis(), Duration.ZERO,
        Optional.empty(), Status.INVALID_ARGUMENT.withDescription("site1: formula '" + formula
            + "' names an unknown variable; filter '" + filter + "' rejected")));
    AnalysisResponse failedSites = AnalysisResponse.newBuilder()
        .addSites(SiteOutcome.newBuilder().setNodeId("site2").setStatus(SiteOutcome.Status.FAILED)
            .setErrorCode("INVALID_ARGUMENT").setError("formula '" + formula + "' with filter '" + filter + "'"))
        .addSites(SiteOutcome.newBuilder().setNodeId("site1").setStatus(SiteOutcome.Status.REFUSED)
            .setRefusal(Refusal.newBuilder().setRule("min-cell-count")
                .setReason("a cell of '" + filter + "' holds 2 rows")))
        .build();
    monitor.requestEnded(ended(glm, failedSites, 20));
    String everything = monitor.state(nodes(true, true)).toString()
        + monitor.node("site1", nodes(true, true)).orElseThrow()
        + monitor.node("site2", nodes(true, true)).orElseThrow();
    assertThat(everything).doesNotContain("secret_marker_var").doesNotContain("age > 77")
        .doesNotContain("age \\u003e 77").contains("INVALID_ARGUMENT").contains("min-cell-count");
  }

  @Test
  void chartsCountPerBucketAndForgetWhatIsOlderThanTheirWindow() {
    AnalysisResponse oneSite = AnalysisResponse.newBuilder().addSites(answered("site1", 1, 3)).build();
    monitor.requestEnded(ended(count(""), oneSite, 5));
    clock.advance(FederationMonitor.BUCKET);
    monitor.requestEnded(ended(count(""), oneSite, 5));
    monitor.requestEnded(ended(count(""), oneSite, 5));
    JsonArray series = node(monitor.state(nodes(true, true)), "site1").getAsJsonObject("series")
        .getAsJsonArray("requests");
    assertThat(series).hasSize(FederationMonitor.BUCKETS);
    assertThat(series.get(FederationMonitor.BUCKETS - 1).getAsLong()).isEqualTo(2);
    assertThat(series.get(FederationMonitor.BUCKETS - 2).getAsLong()).isEqualTo(1);

    clock.advance(FederationMonitor.BUCKET.multipliedBy(FederationMonitor.BUCKETS));
    JsonObject site1 = node(monitor.state(nodes(true, true)), "site1");
    assertThat(sum(site1.getAsJsonObject("series").getAsJsonArray("requests"))).isZero();
    assertThat(site1.getAsJsonObject("totals").get("requests").getAsLong()).isEqualTo(3);
  }

  @Test
  void memoryIsBoundedWhateverTheLoad() {
    for (int i = 0; i < 1_000; i++) {
      monitor.requestEnded(ended(count("p" + i), AnalysisResponse.newBuilder()
          .addSites(refused("site1", "rule-" + i)).build(), 1));
      monitor.nodeState("site1", i % 2 == 0 ? Health.DOWN : Health.UP, Optional.empty(), "x");
      monitor.load(new LoadSample(clock.millis(), i % 5, 0.25, 1_000, 2_000, 30));
    }
    JsonObject state = monitor.state(nodes(true, true));
    assertThat(state.getAsJsonArray("requests")).hasSize(FederationMonitor.RECENT_REQUESTS);
    assertThat(state.getAsJsonArray("requests").get(0).getAsJsonObject().get("project").getAsString())
        .isEqualTo("p999");
    JsonArray refusals = state.getAsJsonArray("refusals");
    assertThat(refusals).hasSize(FederationMonitor.MAX_RULES + 1);
    assertThat(refusals.get(0).getAsJsonObject().get("rule").getAsString()).isEqualTo(FederationMonitor.OTHER_RULES);
    assertThat(refusals.get(0).getAsJsonObject().get("count").getAsLong()).isEqualTo(1_000 - FederationMonitor.MAX_RULES);
    assertThat(monitor.node("site1", nodes(true, true)).orElseThrow().getAsJsonArray("transitions"))
        .hasSize(FederationMonitor.TRANSITIONS);
    JsonObject load = state.getAsJsonObject("coordinator");
    assertThat(load.getAsJsonObject("loadHistory").getAsJsonArray("inFlight")).hasSize(FederationMonitor.LOAD_SAMPLES);
    assertThat(load.get("cpu").getAsDouble()).isEqualTo(0.25);
    assertThat(load.get("threads").getAsInt()).isEqualTo(30);
  }

  @Test
  void latencyWindowKeepsAtMostItsCapacity() {
    LatencyWindow w = new LatencyWindow(10, Duration.ofMinutes(5));
    for (int i = 1; i <= 100; i++) {
      w.add(T0, i);
    }
    LatencyWindow.Percentiles p = w.percentiles(T0);
    assertThat(p.samples()).isEqualTo(10);
    assertThat(p.p50()).isEqualTo(95);
    assertThat(p.p99()).isEqualTo(100);
  }

  private static long sum(JsonArray a) {
    return StreamSupport.stream(a.spliterator(), false).mapToLong(e -> e.getAsLong()).sum();
  }
}
