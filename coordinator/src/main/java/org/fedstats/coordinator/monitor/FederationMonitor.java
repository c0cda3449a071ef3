package org.fedstats.coordinator.monitor;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.grpc.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.fedstats.coordinator.federation.FederationObserver;
import org.fedstats.coordinator.federation.NodeClient;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.DatasetState;
import org.fedstats.proto.v1.ListNodesResponse;
import org.fedstats.proto.v1.NodeStatus;
import org.fedstats.proto.v1.SiteOutcome;

/**
 * The federation's recent history, as the health dashboard shows it, in fixed memory: per node its up/down
 * transitions, the p50/p99 latency of its health checks and of its answers to research calls over the last
 * {@link #LATENCY_WINDOW}, its requests, refusals and errors per {@link #BUCKET} over the last {@link #BUCKETS}
 * buckets, and its last error; the latest {@link #RECENT_REQUESTS} research requests (who, project, dataset, analysis,
 * each site's outcome, duration; never a result value); disclosure refusals by rule; and the coordinator's own load.
 * It is fed by the federation ({@link MonitorFeed}) and knows nothing of sockets: tests feed it by hand with a clock
 * of their own.
 */
public final class FederationMonitor {
  /** The width of one bucket of the request, refusal and error charts. */
  public static final Duration BUCKET = Duration.ofSeconds(10);
  /** How many buckets the charts show (with {@link #BUCKET}: the last 10 minutes). */
  public static final int BUCKETS = 60;
  /** The window of the latency percentiles. */
  public static final Duration LATENCY_WINDOW = Duration.ofMinutes(5);
  /** The most latencies kept per node and kind (health checks, research calls). */
  static final int LATENCY_SAMPLES = 2048;
  /** The research requests listed. */
  public static final int RECENT_REQUESTS = 100;
  /** The transitions kept per node. */
  static final int TRANSITIONS = 50;
  /** The load samples kept. */
  static final int LOAD_SAMPLES = 90;
  /** The refusal rules told apart; refusals by further rules are counted under {@link #OTHER_RULES}. */
  static final int MAX_RULES = 64;
  static final String OTHER_RULES = "(other rules)";
  /** The longest reason or note kept. */
  static final int MAX_TEXT = 300;

  private static final int OVERALL_REQUESTS = 0;
  private static final int OVERALL_REFUSALS = 1;
  private static final int OVERALL_ERRORS = 2;

  private final Clock clock;
  private final long startedMs;
  private final Map<String, NodeHistory> nodes = new ConcurrentHashMap<>();
  private final ArrayDeque<RequestEntry> recent = new ArrayDeque<>();
  private final Map<String, Map<String, Long>> refusalsByRule = new TreeMap<>();
  private final ArrayDeque<LoadSample> load = new ArrayDeque<>();
  private final TimeBuckets overall = new TimeBuckets(BUCKET, BUCKETS, 3);
  private long requestsTotal;
  private long rejectedTotal;

  public FederationMonitor(Clock clock) {
    this.clock = clock;
    this.startedMs = clock.millis();
  }

  private NodeHistory history(String nodeId) {
    return nodes.computeIfAbsent(nodeId, id -> new NodeHistory(id, clock.millis(), TRANSITIONS,
        new LatencyWindow(LATENCY_SAMPLES, LATENCY_WINDOW), new LatencyWindow(LATENCY_SAMPLES, LATENCY_WINDOW),
        new TimeBuckets(BUCKET, BUCKETS, 3)));
  }

  /**
   * The node is in {@code health} (down since {@code downSince}, when known, for {@code lastError}): recorded as a
   * transition when it changed.
   */
  public void nodeState(String nodeId, NodeClient.Health health, Optional<Instant> downSince, String lastError) {
    long at = health == NodeClient.Health.DOWN ? downSince.map(Instant::toEpochMilli).orElse(clock.millis())
        : clock.millis();
    history(nodeId).state(health, at, cut(lastError));
  }

  /** A health check of {@code nodeId} ended: up (it answered, in {@code took}) or not. */
  public void healthChecked(String nodeId, boolean up, Duration took) {
    history(nodeId).checked(clock.millis(), up, took.toNanos() / 1e6);
  }

  /** The coordinator's load now. */
  public synchronized void load(LoadSample sample) {
    load.addLast(sample);
    while (load.size() > LOAD_SAMPLES) {
      load.removeFirst();
    }
  }

  /** A research request ended: listed among the recent ones, and counted at each of its sites. */
  public void requestEnded(FederationObserver.Ended ended) {
    long now = clock.millis();
    List<RequestEntry.Site> sites = new ArrayList<>();
    AnalysisResponse response = ended.response().orElse(AnalysisResponse.getDefaultInstance());
    for (SiteOutcome s : response.getSitesList()) {
      boolean refused = s.getStatus() == SiteOutcome.Status.REFUSED;
      boolean failed = s.getStatus() == SiteOutcome.Status.FAILED;
      String rule = refused ? ruleOf(s) : "";
      sites.add(new RequestEntry.Site(s.getNodeId(), s.getStatus().name(), rule, failed ? s.getErrorCode() : "",
          s.getLatencyMs()));
      history(s.getNodeId()).called(now, refused, failed, s.getLatencyMs(),
          failed ? cut(s.getErrorCode()) : ""); // the node's message may quote the request
      if (refused) {
        refused(rule, s.getNodeId());
        overall.add(now, OVERALL_REFUSALS, 1);
      }
      if (failed) {
        overall.add(now, OVERALL_ERRORS, 1);
      }
    }
    Status status = ended.status();
    String outcome;
    if (!status.isOk()) {
      outcome = "REJECTED";
      overall.add(now, OVERALL_ERRORS, 1);
    } else if (sites.stream().anyMatch(s -> s.status().equals(SiteOutcome.Status.PENDING_REVIEW.name()))) {
      outcome = "WAITING FOR REVIEW";
    } else {
      outcome = response.getPooledAvailable() ? "POOLED" : "NOT POOLED";
    }
    overall.add(now, OVERALL_REQUESTS, 1);
    Analysis.KindCase kind = ended.request().getAnalysis().getKindCase();
    RequestEntry entry = new RequestEntry(response.getRequestId(), ended.operation(), ended.startedEpochMs(),
        cut(ended.researcher()), cut(ended.request().getProject()), cut(ended.request().getDataset()),
        kind == Analysis.KindCase.KIND_NOT_SET ? "" : kind.name().toLowerCase(Locale.ROOT), outcome,
        status.getCode().name(), ended.took().toNanos() / 1e6, response.getRounds(), sites);
    synchronized (this) {
      requestsTotal++;
      if (!status.isOk()) {
        rejectedTotal++;
      }
      recent.addFirst(entry);
      while (recent.size() > RECENT_REQUESTS) {
        recent.removeLast();
      }
    }
  }

  private static String ruleOf(SiteOutcome s) {
    String rule = s.getRefusal().getRule();
    return rule.isEmpty() ? "(unnamed rule)" : cut(rule);
  }

  private synchronized void refused(String rule, String nodeId) {
    String key = refusalsByRule.containsKey(rule) || refusalsByRule.size() < MAX_RULES ? rule : OTHER_RULES;
    refusalsByRule.computeIfAbsent(key, r -> new TreeMap<>()).merge(nodeId, 1L, Long::sum);
  }

  /** The recent requests, newest first. */
  public synchronized List<RequestEntry> recentRequests() {
    return List.copyOf(recent);
  }

  private static String cut(String text) {
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT) + "…";
  }

  /** The dashboard's state: {@code nodes} as the federation lists them now, with each node's history. */
  public JsonObject state(ListNodesResponse nodeList) {
    long now = clock.millis();
    JsonObject state = new JsonObject();
    state.addProperty("now", now);
    state.addProperty("startedAt", startedMs);
    state.addProperty("bucketSeconds", BUCKET.toSeconds());
    state.addProperty("latencyWindowSeconds", LATENCY_WINDOW.toSeconds());
    state.add("coordinator", coordinator(now));
    JsonArray list = new JsonArray();
    for (NodeStatus status : nodeList.getNodesList()) {
      list.add(node(status, history(status.getNodeId()).snapshot(now)));
    }
    state.add("nodes", list);
    JsonArray requests = new JsonArray();
    recentRequests().forEach(r -> requests.add(json(r)));
    state.add("requests", requests);
    state.add("refusals", refusals(Optional.empty()));
    return state;
  }

  /** One node's page: its state now and its history (transitions, recent requests, refusals); empty: no such node. */
  public Optional<JsonObject> node(String nodeId, ListNodesResponse nodeList) {
    Optional<NodeStatus> status = nodeList.getNodesList().stream().filter(n -> n.getNodeId().equals(nodeId))
        .findFirst();
    if (status.isEmpty()) {
      return Optional.empty();
    }
    long now = clock.millis();
    NodeHistory.Snapshot snapshot = history(nodeId).snapshot(now);
    JsonObject page = new JsonObject();
    page.addProperty("now", now);
    page.addProperty("startedAt", startedMs);
    page.addProperty("bucketSeconds", BUCKET.toSeconds());
    page.addProperty("latencyWindowSeconds", LATENCY_WINDOW.toSeconds());
    page.add("node", node(status.get(), snapshot));
    JsonArray transitions = new JsonArray();
    for (NodeHistory.Transition t : snapshot.transitions().reversed()) {
      JsonObject o = new JsonObject();
      o.addProperty("state", t.state().name());
      o.addProperty("at", t.atMs());
      o.addProperty("reason", t.reason());
      transitions.add(o);
    }
    page.add("transitions", transitions);
    JsonArray requests = new JsonArray();
    recentRequests().stream().filter(r -> r.involves(nodeId)).forEach(r -> requests.add(json(r)));
    page.add("requests", requests);
    page.add("refusals", refusals(Optional.of(nodeId)));
    return Optional.of(page);
  }

  private synchronized JsonObject coordinator(long now) {
    JsonObject c = new JsonObject();
    LoadSample last = load.peekLast();
    if (last != null) {
      c.addProperty("inFlight", last.inFlight());
      number(c, "cpu", last.cpu());
      c.addProperty("heapUsedBytes", last.heapUsedBytes());
      c.addProperty("heapMaxBytes", last.heapMaxBytes());
      c.addProperty("threads", last.threads());
      c.addProperty("sampledAt", last.atMs());
    }
    JsonArray inFlight = new JsonArray();
    JsonArray cpu = new JsonArray();
    JsonArray heap = new JsonArray();
    for (LoadSample s : load) {
      inFlight.add(s.inFlight());
      cpu.add(Double.isNaN(s.cpu()) ? 0 : s.cpu());
      heap.add(s.heapUsedBytes());
    }
    JsonObject history = new JsonObject();
    history.add("inFlight", inFlight);
    history.add("cpu", cpu);
    history.add("heapUsedBytes", heap);
    c.add("loadHistory", history);
    c.addProperty("requestsTotal", requestsTotal);
    c.addProperty("rejectedTotal", rejectedTotal);
    JsonObject series = new JsonObject();
    series.add("requests", array(overall.series(now, OVERALL_REQUESTS)));
    series.add("refusals", array(overall.series(now, OVERALL_REFUSALS)));
    series.add("errors", array(overall.series(now, OVERALL_ERRORS)));
    series.addProperty("start", overall.firstBucketStart(now));
    c.add("series", series);
    return c;
  }

  private static JsonObject node(NodeStatus status, NodeHistory.Snapshot h) {
    JsonObject n = new JsonObject();
    n.addProperty("id", status.getNodeId());
    n.addProperty("address", status.getAddress());
    n.addProperty("link", status.getLink());
    // The federation's view decides the badge; the history tells since when.
    n.addProperty("state", status.getReachable() ? "UP" : h.state() == NodeClient.Health.UNKNOWN ? "UNKNOWN" : "DOWN");
    n.addProperty("since", h.sinceMs());
    n.addProperty("version", status.getVersion());
    n.addProperty("lastSeen", status.getLastSeenEpochMs());
    number(n, "lastLatencyMs", status.getLastLatencyMs());
    n.addProperty("lastError", status.getLastError().isEmpty() ? h.lastError() : cut(status.getLastError()));
    n.addProperty("lastErrorAt", h.lastErrorAtMs());
    JsonArray drift = new JsonArray();
    status.getDriftList().forEach(drift::add);
    n.add("drift", drift);
    JsonArray datasets = new JsonArray();
    for (DatasetState d : status.getDatasetStatesList()) {
      JsonObject o = new JsonObject();
      o.addProperty("name", d.getDataset());
      o.addProperty("dataVersion", d.getDataVersion());
      o.addProperty("policyHash", d.getPolicyHash());
      datasets.add(o);
    }
    if (status.getDatasetStatesCount() == 0) {
      for (String name : status.getDatasetsList()) {
        JsonObject o = new JsonObject();
        o.addProperty("name", name);
        o.addProperty("dataVersion", "");
        o.addProperty("policyHash", "");
        datasets.add(o);
      }
    }
    n.add("datasets", datasets);
    n.add("checks", percentiles(h.checks()));
    n.add("calls", percentiles(h.calls()));
    JsonObject series = new JsonObject();
    series.add("requests", array(h.requestSeries()));
    series.add("refusals", array(h.refusalSeries()));
    series.add("errors", array(h.errorSeries()));
    series.addProperty("start", h.seriesStartMs());
    n.add("series", series);
    int perMinute = (int) Math.max(1, Duration.ofMinutes(1).toMillis() / h.bucketMs());
    JsonObject lastMinute = new JsonObject();
    lastMinute.addProperty("requests", tail(h.requestSeries(), perMinute));
    lastMinute.addProperty("refusals", tail(h.refusalSeries(), perMinute));
    lastMinute.addProperty("errors", tail(h.errorSeries(), perMinute));
    n.add("lastMinute", lastMinute);
    JsonObject totals = new JsonObject();
    totals.addProperty("requests", h.requests());
    totals.addProperty("refusals", h.refusals());
    totals.addProperty("errors", h.errors());
    totals.addProperty("checksUp", h.checksUp());
    totals.addProperty("checksDown", h.checksDown());
    n.add("totals", totals);
    return n;
  }

  private static long tail(long[] series, int n) {
    long sum = 0;
    for (int i = Math.max(0, series.length - n); i < series.length; i++) {
      sum += series[i];
    }
    return sum;
  }

  private static JsonObject percentiles(LatencyWindow.Percentiles p) {
    JsonObject o = new JsonObject();
    o.addProperty("samples", p.samples());
    number(o, "p50", p.p50());
    number(o, "p99", p.p99());
    return o;
  }

  /** Adds a number, or null for NaN (JSON has no NaN). */
  private static void number(JsonObject o, String name, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      o.add(name, com.google.gson.JsonNull.INSTANCE);
    } else {
      o.addProperty(name, Math.round(value * 100) / 100.0);
    }
  }

  private static JsonArray array(long[] values) {
    JsonArray a = new JsonArray();
    for (long v : values) {
      a.add(v);
    }
    return a;
  }

  private static JsonObject json(RequestEntry r) {
    JsonObject o = new JsonObject();
    o.addProperty("requestId", r.requestId());
    o.addProperty("operation", r.operation());
    o.addProperty("at", r.atMs());
    o.addProperty("researcher", r.researcher());
    o.addProperty("project", r.project());
    o.addProperty("dataset", r.dataset());
    o.addProperty("analysis", r.analysis());
    o.addProperty("outcome", r.outcome());
    o.addProperty("code", r.code());
    number(o, "durationMs", r.durationMs());
    o.addProperty("rounds", r.rounds());
    JsonArray sites = new JsonArray();
    for (RequestEntry.Site s : r.sites()) {
      JsonObject site = new JsonObject();
      site.addProperty("node", s.node());
      site.addProperty("status", s.status());
      site.addProperty("rule", s.rule());
      site.addProperty("errorCode", s.errorCode());
      number(site, "latencyMs", s.latencyMs());
      sites.add(site);
    }
    o.add("sites", sites);
    return o;
  }

  /** Refusals by rule, most frequent first, with the nodes that refused (only {@code nodeId}'s, if given). */
  private synchronized JsonArray refusals(Optional<String> nodeId) {
    List<Map.Entry<String, Map<String, Long>>> rules = new ArrayList<>(refusalsByRule.entrySet());
    JsonArray out = new JsonArray();
    List<JsonObject> items = new ArrayList<>();
    for (Map.Entry<String, Map<String, Long>> rule : rules) {
      long count = 0;
      JsonObject byNode = new JsonObject();
      for (Map.Entry<String, Long> e : rule.getValue().entrySet()) {
        if (nodeId.isEmpty() || nodeId.get().equals(e.getKey())) {
          byNode.addProperty(e.getKey(), e.getValue());
          count += e.getValue();
        }
      }
      if (count > 0) {
        JsonObject o = new JsonObject();
        o.addProperty("rule", rule.getKey());
        o.addProperty("count", count);
        o.add("nodes", byNode);
        items.add(o);
      }
    }
    items.sort((a, b) -> Long.compare(b.get("count").getAsLong(), a.get("count").getAsLong()));
    items.forEach(out::add);
    return out;
  }
}
