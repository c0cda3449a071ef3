package org.fedstats.coordinator.federation;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.TreeSet;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.fedstats.common.Text;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.pooling.Pooling;
import org.fedstats.coordinator.pooling.SiteResultCheck;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.FederatedDataset;
import org.fedstats.proto.v1.ListDatasetsResponse;
import org.fedstats.proto.v1.ListNodesResponse;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeInfo;
import org.fedstats.proto.v1.SiteOutcome;

/**
 * The federation as the coordinator sees it: its nodes, what they hold, and the fan-out and pooling of research
 * requests. Each node decides for itself; the coordinator reports every site's outcome and pools only what the
 * request allows.
 */
public final class Federation implements AutoCloseable {
  /** Largest research request accepted; typed requests are small, so anything bigger is a mistake or an attack. */
  public static final int MAX_REQUEST_BYTES = 64 * 1024;

  private static final Set<Status.Code> REQUEST_ERRORS =
      EnumSet.of(Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND, Status.Code.PERMISSION_DENIED);

  private final Map<String, NodeClient> nodes = new LinkedHashMap<>();
  private final Duration deadline;
  private final int maxConcurrentRequests;
  private final Semaphore admission;

  public Federation(List<NodeClient> clients, Duration deadline) {
    this(clients, deadline, CoordinatorSettings.DEFAULT_MAX_CONCURRENT_REQUESTS);
  }

  public Federation(List<NodeClient> clients, Duration deadline, int maxConcurrentRequests) {
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
          lastCheck.put(node, System.nanoTime());
          node.refresh(healthTimeout).whenComplete((ok, failure) -> checking.remove(node));
        }
      }
    }, probeInterval.toMillis(), probeInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  public ListNodesResponse listNodes() {
    ListNodesResponse.Builder b = ListNodesResponse.newBuilder();
    nodes.values().forEach(n -> b.addNodes(n.status()));
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
          if (!f.getInfo().getVariablesList().equals(d.getVariablesList())) {
            f.addInconsistencies("node " + n.id() + " declares the variables of " + d.getName() + " differently from "
                + f.getNodeIds(0));
          }
          if (!f.getInfo().getAnalysesList().equals(d.getAnalysesList())) {
            f.addInconsistencies("node " + n.id() + " allows analyses " + d.getAnalysesList() + " on "
                + d.getName() + ", node " + f.getNodeIds(0) + " allows " + f.getInfo().getAnalysesList());
          }
        }
      }
    }
    ListDatasetsResponse.Builder b = ListDatasetsResponse.newBuilder();
    datasets.values().forEach(b::addDatasets);
    return b.build();
  }

  /** Research requests being fanned out or pooled right now. */
  public int inFlight() {
    return maxConcurrentRequests - admission.availablePermits();
  }

  /** {@link #runAsync} for callers that wait; a rejected request throws {@link RequestRejected}. */
  public AnalysisResponse run(AnalysisRequest request, String requester) {
    try {
      return runAsync(request, requester).join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /**
   * Fans the request out to the nodes holding its dataset (and to any node whose holdings are unknown because it
   * has not answered yet), once per node, and pools the answers when every node has answered, failed or passed the
   * deadline. No thread waits meanwhile. A request that is not valid throws {@link RequestRejected} at once, as does
   * one that finds {@link #maxConcurrentRequests} requests already in flight (RESOURCE_EXHAUSTED).
   */
  public CompletableFuture<AnalysisResponse> runAsync(AnalysisRequest request, String requester) {
    validate(request);
    List<NodeClient> targets = targets(request);
    if (!admission.tryAcquire()) {
      throw new RequestRejected(Status.RESOURCE_EXHAUSTED.withDescription("the coordinator is already running "
          + maxConcurrentRequests + " requests, its limit; try again shortly"));
    }
    try {
      String requestId = UUID.randomUUID().toString();
      NodeAnalysisRequest.Builder nodeRequestBuilder = NodeAnalysisRequest.newBuilder()
          .setRequestId(requestId)
          .setRequester(requester)
          .setDataset(request.getDataset())
          .setAnalysis(request.getAnalysis());
      if (request.hasFilter()) {
        nodeRequestBuilder.setFilter(request.getFilter());
      }
      NodeAnalysisRequest nodeRequest = nodeRequestBuilder.build();
      List<CompletableFuture<SiteOutcome>> calls = new ArrayList<>();
      for (NodeClient node : targets) {
        long start = System.nanoTime();
        Optional<DatasetInfo> declared = node.info().flatMap(i -> i.getDatasetsList().stream()
            .filter(d -> d.getName().equals(request.getDataset())).findFirst());
        calls.add(node.run(nodeRequest, deadline).handle((response, failure) ->
            outcome(node.id(), request.getAnalysis(), declared, response, failure,
                (System.nanoTime() - start) / 1e6)));
      }
      return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
          .thenApply(done -> {
            List<SiteOutcome> sites = calls.stream().map(CompletableFuture::join).toList();
            rejectIfEveryNodeRejected(sites);
            return pool(requestId, sites, request.getAllowPartial());
          })
          .whenComplete((response, failure) -> admission.release());
    } catch (RuntimeException e) {
      admission.release();
      throw e;
    }
  }

  private static void validate(AnalysisRequest request) {
    if (request.getSerializedSize() > MAX_REQUEST_BYTES) {
      throw new RequestRejected(Status.INVALID_ARGUMENT.withDescription("request is " + request.getSerializedSize()
          + " bytes; the limit is " + MAX_REQUEST_BYTES));
    }
    if (request.getDataset().isEmpty()) {
      throw new RequestRejected(Status.INVALID_ARGUMENT.withDescription("the request names no dataset"));
    }
    if (request.getAnalysis().getKindCase() == org.fedstats.proto.v1.Analysis.KindCase.KIND_NOT_SET) {
      throw new RequestRejected(Status.INVALID_ARGUMENT.withDescription("the request names no analysis"));
    }
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

  private static SiteOutcome outcome(String nodeId, Analysis requested, Optional<DatasetInfo> declared,
      NodeAnalysisResponse response, Throwable failure, double latencyMs) {
    SiteOutcome.Builder b = SiteOutcome.newBuilder().setNodeId(nodeId).setLatencyMs(latencyMs);
    if (failure != null) {
      Status status = Status.fromThrowable(failure);
      return b.setStatus(SiteOutcome.Status.FAILED)
          .setErrorCode(status.getCode().name())
          .setError(status.getDescription() == null ? status.getCode().name() : status.getDescription())
          .build();
    }
    if (response.hasRefusal()) {
      return b.setStatus(SiteOutcome.Status.REFUSED).setRefusal(response.getRefusal()).build();
    }
    if (!response.hasResult()) {
      return b.setStatus(SiteOutcome.Status.FAILED).setErrorCode(Status.Code.INTERNAL.name())
          .setError("the node sent neither a result nor a refusal").build();
    }
    Optional<String> problem = SiteResultCheck.problem(requested, declared, response.getResult());
    if (problem.isPresent()) {
      return b.setStatus(SiteOutcome.Status.FAILED).setErrorCode(Status.Code.INTERNAL.name())
          .setError("node " + nodeId + " sent a malformed answer, left out of the pooled value: " + problem.get())
          .build();
    }
    return b.setStatus(SiteOutcome.Status.ANSWERED).setResult(response.getResult()).build();
  }

  /** When every node rejected the request itself (bad variable, unknown dataset...), the researcher gets that error. */
  private static void rejectIfEveryNodeRejected(List<SiteOutcome> sites) {
    boolean allRejected = sites.stream().allMatch(s -> s.getStatus() == SiteOutcome.Status.FAILED
        && REQUEST_ERRORS.contains(Status.Code.valueOf(s.getErrorCode())));
    if (allRejected) {
      SiteOutcome first = sites.getFirst();
      String message = sites.stream().map(SiteOutcome::getError).distinct().count() == 1
          ? first.getError()
          : sites.stream().map(s -> s.getNodeId() + ": " + s.getError()).collect(Collectors.joining("; "));
      throw new RequestRejected(Status.fromCode(Status.Code.valueOf(first.getErrorCode())).withDescription(message));
    }
  }

  static AnalysisResponse pool(String requestId, List<SiteOutcome> sites, boolean allowPartial) {
    AnalysisResponse.Builder b = AnalysisResponse.newBuilder().setRequestId(requestId).addAllSites(sites);
    List<SiteOutcome> answered = sites.stream().filter(s -> s.getStatus() == SiteOutcome.Status.ANSWERED).toList();
    List<SiteOutcome> missing = sites.stream().filter(s -> s.getStatus() != SiteOutcome.Status.ANSWERED).toList();
    String why = explain(missing);
    if (answered.isEmpty()) {
      return b.setPooledAvailable(false).setPooledNote("no pooled value: no site answered (" + why + ")").build();
    }
    if (!missing.isEmpty() && !allowPartial) {
      return b.setPooledAvailable(false).setPooledNote("no pooled value: " + missing.size() + " of " + sites.size()
          + " sites did not answer (" + why + "); allow partial results to pool over the sites that answered")
          .build();
    }
    AnalysisResult pooled;
    try {
      pooled = Pooling.pool(answered.stream().map(SiteOutcome::getResult).toList());
    } catch (IllegalArgumentException e) {
      return b.setPooledAvailable(false).setPooledNote("no pooled value: the sites' results cannot be pooled: "
          + e.getMessage()).build();
    }
    answered.forEach(s -> b.addPooledNodeIds(s.getNodeId()));
    String note = missing.isEmpty()
        ? "pooled over all " + sites.size() + " sites"
        : "PARTIAL: pooled over " + answered.size() + " of " + sites.size() + " sites; left out: " + why;
    return b.setPooledAvailable(true).setPooled(pooled).setPooledNote(note).build();
  }

  /** Why these sites gave no result, with sites that gave the same reason named together. */
  private static String explain(List<SiteOutcome> sites) {
    Map<String, List<String>> byReason = new LinkedHashMap<>();
    for (SiteOutcome s : sites) {
      String reason = switch (s.getStatus()) {
        case REFUSED -> "refused by rule " + s.getRefusal().getRule() + " (threshold "
            + s.getRefusal().getThreshold() + "): " + s.getRefusal().getReason();
        case FAILED -> "failed: " + s.getErrorCode() + " " + s.getError();
        default -> s.getStatus().name();
      };
      byReason.computeIfAbsent(reason, r -> new ArrayList<>()).add(s.getNodeId());
    }
    return byReason.entrySet().stream().map(e -> String.join(", ", e.getValue()) + " " + e.getKey())
        .collect(Collectors.joining("; "));
  }

  @Override
  public void close() {
    nodes.values().forEach(NodeClient::close);
  }
}
