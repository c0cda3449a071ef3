package org.fedstats.coordinator.federation;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.fedstats.common.Contract;
import org.fedstats.common.Text;
import org.fedstats.coordinator.analysis.CoordinatorAnalysis;
import org.fedstats.coordinator.analysis.registry.Analyses;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.identity.Researcher;
import org.fedstats.coordinator.identity.StatementIssuer;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.FederatedDataset;
import org.fedstats.proto.v1.ListDatasetsResponse;
import org.fedstats.proto.v1.ListNodesResponse;
import org.fedstats.proto.v1.NodeInfo;
import org.fedstats.proto.v1.PendingRequest;
import org.fedstats.proto.v1.RoundProgress;

/**
 * The federation as the coordinator sees it: its nodes, what they hold, and the fan-out and pooling of research
 * requests. Each node decides for itself; the coordinator reports every site's outcome and pools only what the
 * request allows.
 */
public final class Federation implements AutoCloseable {

  /**
   * Most rounds of fan-out one request may take: a multi-round analysis still going after this many ends without a
   * pooled value. IRLS converges in far fewer rounds (R's glm gives up after 25 iterations).
   */
  public static final int MAX_ROUNDS_PER_SESSION = 30;

  private static final Logger LOG = Logger.getLogger(Federation.class.getName());

  private final Map<String, NodeClient> nodes = new LinkedHashMap<>();
  private final Duration deadline;
  private final int maxConcurrentRequests;
  private final Semaphore admission;
  private final Analyses analyses;
  private final PendingResults pending;
  private final StatementIssuer statements;
  private volatile FederationObserver observer = FederationObserver.NONE;

  public Federation(List<NodeClient> clients, Duration deadline) {
    this(clients, deadline, CoordinatorSettings.DEFAULT_MAX_CONCURRENT_REQUESTS);
  }

  public Federation(List<NodeClient> clients, Duration deadline, int maxConcurrentRequests) {
    this(clients, deadline, maxConcurrentRequests, Analyses.builtIn());
  }

  /** A federation that runs the analyses of {@code analyses}. */
  public Federation(List<NodeClient> clients, Duration deadline, int maxConcurrentRequests, Analyses analyses) {
    this(clients, deadline, maxConcurrentRequests, analyses, PendingResults.inMemory());
  }

  /** A federation that keeps requests waiting for sites' reviews in {@code pending}. */
  public Federation(List<NodeClient> clients, Duration deadline, int maxConcurrentRequests, Analyses analyses,
      PendingResults pending) {
    this(clients, deadline, maxConcurrentRequests, analyses, pending, StatementIssuer.NONE);
  }

  /**
   * A federation that runs the analyses of {@code analyses}, keeps requests waiting for sites' reviews in
   * {@code pending}, and vouches for researchers with {@code statements}.
   */
  public Federation(List<NodeClient> clients, Duration deadline, int maxConcurrentRequests, Analyses analyses,
      PendingResults pending, StatementIssuer statements) {
    this.analyses = analyses;
    this.pending = pending;
    this.statements = statements;
    clients.forEach(c -> nodes.put(c.id(), c));
    this.deadline = deadline;
    this.maxConcurrentRequests = maxConcurrentRequests;
    this.admission = new Semaphore(maxConcurrentRequests);
  }

  /** Refreshes every node's description and health; completes when all have answered or timed out. */
  public CompletableFuture<Void> refresh() {
    return refresh(deadline);
  }

  /** {@link #refresh()} with its own deadline for the health checks. */
  public CompletableFuture<Void> refresh(Duration healthTimeout) {
    return CompletableFuture.allOf(nodes.values().stream().map(n -> n.refresh(healthTimeout))
        .toArray(CompletableFuture[]::new));
  }

  /**
   * Keeps checking each node: every {@code healthInterval} while it is up, every {@code probeInterval} while it is
   * down (whether a health check or a research call found it down), so a node that comes back rejoins within a
   * probe interval. Checks of one node never overlap, and a hung node does not delay the checks of the others.
   */
  public void watch(ScheduledExecutorService scheduler, Duration healthInterval, Duration probeInterval,
      Duration healthTimeout) {
    Map<NodeClient, Long> lastCheck = new java.util.concurrent.ConcurrentHashMap<>();
    Set<NodeClient> checking = java.util.concurrent.ConcurrentHashMap.newKeySet();
    long now = System.nanoTime();
    nodes.values().forEach(n -> lastCheck.put(n, now));
    scheduler.scheduleWithFixedDelay(() -> {
      for (NodeClient node : nodes.values()) {
        boolean due = node.health() != NodeClient.Health.UP
            || System.nanoTime() - lastCheck.get(node) >= healthInterval.toNanos();
        if (due && checking.add(node)) {
          long start = System.nanoTime();
          lastCheck.put(node, start);
          node.refresh(healthTimeout).whenComplete((ok, failure) -> {
            checking.remove(node);
            boolean up = node.health() == NodeClient.Health.UP;
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            tell(() -> observer.healthChecked(node.id(), up, took));
          });
        }
      }
    }, probeInterval.toMillis(), probeInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Lets {@code listener} hear of every research request as it ends and of every health check {@link #watch} makes
   * (replacing any listener before).
   */
  public void observe(FederationObserver listener) {
    this.observer = Objects.requireNonNull(listener, "listener");
  }

  public ListNodesResponse listNodes() {
    List<Drift.Finding> drift = Drift.of(infos());
    ListNodesResponse.Builder b = ListNodesResponse.newBuilder();
    nodes.values().forEach(n -> b.addNodes(n.status().toBuilder().addAllDrift(drift.stream()
        .filter(f -> f.node().equals(n.id())).map(Drift.Finding::text).toList())));
    return b.build();
  }

  public ListDatasetsResponse listDatasets() {
    Map<String, FederatedDataset.Builder> datasets = new LinkedHashMap<>();
    for (NodeClient n : nodes.values()) {
      for (DatasetInfo d : n.info().map(NodeInfo::getDatasetsList).orElse(List.of())) {
        FederatedDataset.Builder f = datasets.get(d.getName());
        if (f == null) {
          datasets.put(d.getName(), FederatedDataset.newBuilder().setInfo(d).addNodeIds(n.id()));
        } else {
          f.addNodeIds(n.id());
        }
      }
    }
    for (Drift.Finding f : Drift.of(infos())) {
      FederatedDataset.Builder d = datasets.get(f.dataset());   // null if the node reported anew meanwhile
      if (d != null) {
        d.addInconsistencies("node " + f.node() + " " + f.text());
      }
    }
    ListDatasetsResponse.Builder b = ListDatasetsResponse.newBuilder();
    datasets.values().forEach(b::addDatasets);
    return b.build();
  }

  /** What each node last reported, for the nodes that have reported. */
  private Map<String, NodeInfo> infos() {
    Map<String, NodeInfo> infos = new LinkedHashMap<>();
    nodes.values().forEach(n -> n.info().ifPresent(i -> infos.put(n.id(), i)));
    return infos;
  }

  /** The node client of {@code id}, if it is part of the federation. */
  public java.util.Optional<NodeClient> node(String id) {
    return Optional.ofNullable(nodes.get(id));
  }

  /** Research requests being fanned out or pooled right now. */
  public int inFlight() {
    return maxConcurrentRequests - admission.availablePermits();
  }

  /** {@link #runAsync} for callers that wait; a rejected request throws {@link RequestRejected}. */
  public AnalysisResponse run(AnalysisRequest request, String requester) {
    try {
      return runAsync(request, requester).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** {@link #runAsync(AnalysisRequest, String, Consumer)} without listening to the rounds. */
  public CompletableFuture<AnalysisResponse> runAsync(AnalysisRequest request, String requester) {
    return runAsync(request, requester, progress -> {});
  }

  /**
   * Fans the request out to the nodes holding its dataset (and to any node whose holdings are unknown because it
   * has not answered yet), once per node and round, and pools the answers when every node has answered, failed or
   * passed the deadline; a multi-round analysis then goes on to its next round, and {@code listener} hears of each
   * round as it completes. No thread waits meanwhile. A request that is not valid throws {@link RequestRejected} at
   * once, as does one that finds {@link #maxConcurrentRequests} requests already in flight (RESOURCE_EXHAUSTED).
   * Cancelling the returned future stops a multi-round request before its next round.
   */
  public CompletableFuture<AnalysisResponse> runAsync(AnalysisRequest request, String requester,
      Consumer<RoundProgress> listener) {
    return runAsync(request, requester, Researcher.claimed(Contract.researcher(requester)), listener);
  }

  /**
   * {@link #runAsync(AnalysisRequest, String, Consumer)} for {@code researcher}, as the coordinator authenticated
   * them: each node request carries the coordinator's signed statement of who asked (when it signs statements).
   */
  public CompletableFuture<AnalysisResponse> runAsync(AnalysisRequest request, String requester,
      Researcher researcher, Consumer<RoundProgress> listener) {
    return observed("run", researcher.name(), request,
        () -> start(request, requester, researcher, listener));
  }

  private CompletableFuture<AnalysisResponse> start(AnalysisRequest request, String requester,
      Researcher researcher, Consumer<RoundProgress> listener) {
    CoordinatorAnalysis unit = validate(request);
    List<NodeClient> targets = targets(request);
    admit();
    CompletableFuture<AnalysisResponse> response = new CompletableFuture<>();
    Session session;
    try {
      session = new Session(request, requester, unit, targets, deadline, listener, response::isCancelled, pending,
          researcher, statements);
    } catch (RuntimeException e) {
      admission.release();
      throw e instanceof IllegalArgumentException ? new RequestRejected(Status.INVALID_ARGUMENT.withDescription(
          e.getMessage())) : e;
    }
    return admitted(session.run(), response);
  }

  /**
   * Fetches a request some of whose sites held their answers for review ({@code fedstats fetch}): asks those sites'
   * nodes for the answers by ticket and, once every site has answered, pools them as the request would have been
   * pooled. Only {@code requester}, who asked it, may fetch it (PERMISSION_DENIED otherwise); NOT_FOUND for a
   * request that never waited.
   */
  public CompletableFuture<AnalysisResponse> fetchAsync(String requestId, String requester) {
    AnalysisRequest[] asked = {AnalysisRequest.getDefaultInstance()};
    return observed("fetch", Contract.researcher(requester), asked, () -> fetch(requestId, requester, asked));
  }

  private CompletableFuture<AnalysisResponse> fetch(String requestId, String requester, AnalysisRequest[] asked) {
    if (!PendingResults.isRequestId(requestId)) {
      throw new RequestRejected(Status.INVALID_ARGUMENT.withDescription("a request id is a UUID, as `fedstats` "
          + "prints it with a response that waits for review"));
    }
    PendingRequest stored;
    try {
      stored = pending.load(requestId).orElseThrow(() -> new RequestRejected(Status.NOT_FOUND.withDescription(
          "no request " + requestId + " waits for review at this coordinator")));
    } catch (java.io.UncheckedIOException e) {
      throw new RequestRejected(Status.UNAVAILABLE.withDescription("the coordinator cannot read its store of "
          + "requests waiting for review"));
    }
    // By name: the address part of a requester changes with every connection.
    if (!Contract.researcher(stored.getRequester()).equals(Contract.researcher(requester))) {
      throw new RequestRejected(Status.PERMISSION_DENIED.withDescription("request " + requestId + " was asked by "
          + "another researcher; only they may fetch its result"));
    }
    asked[0] = stored.getRequest();
    CoordinatorAnalysis unit = validate(stored.getRequest());
    admit();
    Session session;
    try {
      session = Session.resumed(stored, requester, unit, List.copyOf(nodes.values()), deadline, pending);
    } catch (RuntimeException e) {
      admission.release();
      throw e;
    }
    return admitted(session.fetch(stored.getSitesList()), new CompletableFuture<>());
  }

  private CompletableFuture<AnalysisResponse> observed(String operation, String researcher, AnalysisRequest request,
      Supplier<CompletableFuture<AnalysisResponse>> start) {
    return observed(operation, researcher, new AnalysisRequest[] {request}, start);
  }

  /**
   * Starts a request with {@code start} and tells the observer how it ended: rejected at once (the rejection is
   * thrown on), failed, or answered. {@code request} holds what was asked, once known.
   */
  private CompletableFuture<AnalysisResponse> observed(String operation, String researcher,
      AnalysisRequest[] request, Supplier<CompletableFuture<AnalysisResponse>> start) {
    long startedMs = System.currentTimeMillis();
    long started = System.nanoTime();
    CompletableFuture<AnalysisResponse> response;
    try {
      response = start.get();
    } catch (RequestRejected e) {
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      tell(() -> observer.requestEnded(new FederationObserver.Ended(operation, researcher, request[0], startedMs,
          took, Optional.empty(), e.status())));
      throw e;
    }
    response.whenComplete((r, failure) -> {
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      tell(() -> observer.requestEnded(new FederationObserver.Ended(operation, researcher, request[0], startedMs,
          took, Optional.ofNullable(r), failure == null ? Status.OK : statusOf(failure))));
    });
    return response;
  }

  /** Tells the observer; its failure is logged, never the federation's. */
  private static void tell(Runnable telling) {
    try {
      telling.run();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "a federation observer failed", e);
    }
  }

  /** The status a request failed with. */
  private static Status statusOf(Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof RequestRejected r) {
      return r.status();
    }
    if (cause instanceof CancellationException) {
      return Status.CANCELLED.withDescription("cancelled");
    }
    return Status.fromThrowable(cause);
  }

  /** Takes a place among the requests in flight, or refuses with RESOURCE_EXHAUSTED when none is free. */
  private void admit() {
    if (!admission.tryAcquire()) {
      throw new RequestRejected(Status.RESOURCE_EXHAUSTED.withDescription("the coordinator is already running "
          + maxConcurrentRequests + " requests, its limit; try again shortly"));
    }
  }

  /** {@code response}, completed with {@code running}'s outcome once the request's place is given back. */
  private CompletableFuture<AnalysisResponse> admitted(CompletableFuture<AnalysisResponse> running,
      CompletableFuture<AnalysisResponse> response) {
    // The place is given back before the caller hears, even when the caller has cancelled.
    running.whenComplete((r, failure) -> {
      admission.release();
      if (failure == null) {
        response.complete(r);
      } else {
        response.completeExceptionally(failure);
      }
    });
    return response;
  }

  /** The unit that runs a valid request. */
  private CoordinatorAnalysis validate(AnalysisRequest request) {
    if (request.getSerializedSize() > Contract.MAX_REQUEST_BYTES) {
      throw new RequestRejected(Status.INVALID_ARGUMENT.withDescription("request is " + request.getSerializedSize()
          + " bytes; the limit is " + Contract.MAX_REQUEST_BYTES));
    }
    if (request.getDataset().isEmpty()) {
      throw new RequestRejected(Status.INVALID_ARGUMENT.withDescription("the request names no dataset"));
    }
    Analysis.KindCase kind = request.getAnalysis().getKindCase();
    if (kind == Analysis.KindCase.KIND_NOT_SET) {
      throw new RequestRejected(Status.INVALID_ARGUMENT.withDescription("the request names no analysis"));
    }
    return analyses.of(kind).orElseThrow(() -> new RequestRejected(Status.UNIMPLEMENTED.withDescription(
        "this coordinator does not run " + kind.name().toLowerCase(Locale.ROOT) + " analyses; it runs "
        + analyses.names())));
  }

  /**
   * The nodes a request goes to: those it names (each at most once; a node named twice would be counted twice in
   * the pooled value), or all nodes, keeping those that hold the dataset or whose holdings are not known yet.
   */
  private List<NodeClient> targets(AnalysisRequest request) {
    List<NodeClient> candidates = new ArrayList<>();
    if (request.getNodeIdsCount() > 0) {
      Set<String> named = new HashSet<>();
      for (String id : request.getNodeIdsList()) {
        if (!named.add(id)) {
          throw new RequestRejected(Status.INVALID_ARGUMENT.withDescription("node '" + Text.echo(id)
              + "' is named more than once in the request; name each node once"));
        }
        NodeClient n = nodes.get(id);
        if (n == null) {
          throw new RequestRejected(Status.NOT_FOUND.withDescription("no node '" + Text.echo(id)
              + "' in this federation" + suggestion(id, nodes.keySet(), "nodes")));
        }
        candidates.add(n);
      }
    } else {
      candidates.addAll(nodes.values());
    }
    List<NodeClient> targets = candidates.stream()
        .filter(n -> n.info().map(i -> holds(i, request.getDataset())).orElse(true))
        .toList();
    if (targets.isEmpty()) {
      Set<String> held = new TreeSet<>();
      nodes.values().forEach(n -> n.info().ifPresent(i -> i.getDatasetsList().forEach(d -> held.add(d.getName()))));
      throw new RequestRejected(Status.NOT_FOUND.withDescription("dataset '" + Text.echo(request.getDataset())
          + "' is not held by any " + (request.getNodeIdsCount() > 0 ? "requested " : "") + "node of the federation"
          + suggestion(request.getDataset(), held, "datasets")));
    }
    return targets;
  }

  /** "; did you mean 'x'? (`fedstats what` lists them)" when a close name exists, else the pointer alone. */
  private static String suggestion(String name, Collection<String> known, String what) {
    return Text.closest(name, known).map(c -> "; did you mean '" + c + "'?").orElse("")
        + " (`fedstats " + what + "` lists them)";
  }

  private static boolean holds(NodeInfo info, String dataset) {
    return info.getDatasetsList().stream().anyMatch(d -> d.getName().equals(dataset));
  }

  @Override
  public void close() {
    nodes.values().forEach(NodeClient::close);
  }
}
