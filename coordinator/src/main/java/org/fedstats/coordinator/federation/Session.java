package org.fedstats.coordinator.federation;

import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.fedstats.common.Contract;
import org.fedstats.coordinator.analysis.CoordinatorAnalysis;
import org.fedstats.coordinator.analysis.RoundDriver;
import org.fedstats.coordinator.analysis.RoundDriver.Continue;
import org.fedstats.coordinator.analysis.RoundDriver.Done;
import org.fedstats.coordinator.analysis.RoundDriver.Fail;
import org.fedstats.coordinator.identity.Researcher;
import org.fedstats.coordinator.identity.StatementIssuer;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.FetchReleaseRequest;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.PendingRequest;
import org.fedstats.proto.v1.RoundProgress;
import org.fedstats.proto.v1.SiteOutcome;

/**
 * One research request's rounds of fan-out: each round asks every target node what the request's
 * {@link RoundDriver} says, checks each answer with the analysis's unit, and gives the answers to the driver, which
 * says what the next round asks or what the pooled result is. Rounds follow one another on the threads that
 * complete the node calls; no thread waits between them. The first round that a site refuses or fails ends the
 * request without a pooled value (unless a single-round request allows partial results).
 */
final class Session {
  private static final Logger LOG = Logger.getLogger(Session.class.getName());
  /** Errors about the request itself, or the researcher's query budget: when every node says one, so does the reply. */
  private static final Set<Status.Code> REQUEST_ERRORS = EnumSet.of(Status.Code.INVALID_ARGUMENT,
      Status.Code.NOT_FOUND, Status.Code.PERMISSION_DENIED, Status.Code.RESOURCE_EXHAUSTED);

  private record Target(NodeClient node, Optional<DatasetInfo> declared) {}

  /** Why answered sites' values are not shown while another site's answer waits for review. */
  static final String AWAITING_REVIEW = "shown once every site has answered (a site's answer waits for review)";

  private final String requestId;
  /** When the request was first asked (epoch ms), kept with it while it waits. */
  private final long created;
  private final AnalysisRequest request;
  private final String requester;
  private final PendingResults pending;
  private final boolean fetching;
  private final CoordinatorAnalysis unit;
  private final RoundDriver driver;
  private final String sessionId;
  private final NodeAnalysisRequest base;
  private final List<Target> targets;
  private final Duration deadline;
  private final boolean allowPartial;
  private final Consumer<RoundProgress> listener;
  private final long start = System.nanoTime();
  private final BooleanSupplier abandoned;
  private final CompletableFuture<AnalysisResponse> result = new CompletableFuture<>();
  private final Researcher researcher;
  private final StatementIssuer statements;

  /**
   * A session that will ask {@code nodes}, each round within {@code deadline}, tell {@code listener} of each round,
   * and stop before its next round once {@code abandoned}. Throws {@link IllegalArgumentException} when the unit
   * cannot run this request.
   */
  Session(AnalysisRequest request, String requester, CoordinatorAnalysis unit, List<NodeClient> nodes,
      Duration deadline, Consumer<RoundProgress> listener, BooleanSupplier abandoned, PendingResults pending,
      Researcher researcher, StatementIssuer statements) {
    this(UUID.randomUUID().toString(), System.currentTimeMillis(), false, request, requester, unit, nodes, deadline,
        listener, abandoned, pending, researcher, statements);
  }

  /**
   * The session of a request some of whose sites held their answers for review, taken up again to fetch them
   * ({@link #fetch}) under its own request id by {@code requester} (who asked it, maybe from another address).
   */
  static Session resumed(PendingRequest stored, String requester, CoordinatorAnalysis unit, List<NodeClient> nodes,
      Duration deadline, PendingResults pending) {
    return new Session(stored.getRequestId(), stored.getCreatedEpochMs(), true, stored.getRequest(), requester, unit,
        nodes, deadline, progress -> {}, () -> false, pending, Researcher.claimed(Contract.researcher(requester)),
        // A fetch sends nodes review tickets, not analysis steps: there is no step to sign.
        StatementIssuer.NONE);
  }

  private Session(String requestId, long created, boolean fetching, AnalysisRequest request, String requester,
      CoordinatorAnalysis unit, List<NodeClient> nodes, Duration deadline, Consumer<RoundProgress> listener,
      BooleanSupplier abandoned, PendingResults pending, Researcher researcher, StatementIssuer statements) {
    this.requestId = requestId;
    this.created = created;
    this.fetching = fetching;
    this.request = request;
    this.requester = requester;
    this.pending = pending;
    this.unit = unit;
    this.researcher = researcher;
    this.statements = statements;
    this.driver = unit.driver(request.getAnalysis());
    this.sessionId = driver.multiRound() ? UUID.randomUUID().toString() : "";
    NodeAnalysisRequest.Builder b = NodeAnalysisRequest.newBuilder().setRequestId(requestId).setRequester(requester)
        .setDataset(request.getDataset()).setSessionId(sessionId).setProject(request.getProject());
    if (request.hasFilter()) {
      b.setFilter(request.getFilter());
    }
    this.base = b.build();
    this.targets = nodes.stream().map(n -> new Target(n, n.info().flatMap(i -> i.getDatasetsList().stream()
        .filter(d -> d.getName().equals(request.getDataset())).findFirst()))).toList();
    this.deadline = deadline;
    this.allowPartial = request.getAllowPartial();
    this.listener = listener;
    this.abandoned = abandoned;
  }

  /**
   * Runs the rounds. The result completes with the response, with {@link RequestRejected} when every node rejected
   * the request, or cancelled when the session was abandoned.
   */
  CompletableFuture<AnalysisResponse> run() {
    guarded(() -> round(0, driver.firstRound()));
    return result;
  }

  private void round(int round, Analysis analysis) {
    if (round > 0 && abandoned.getAsBoolean()) {
      result.cancel(false);
      return;
    }
    NodeAnalysisRequest request = base.toBuilder().setAnalysis(analysis).setRound(round).build();
    List<CompletableFuture<SiteOutcome>> calls = new ArrayList<>();
    for (Target t : targets) {
      long sent = System.nanoTime();
      // Each node gets its own statement, bound to this request and usable by that node only, once.
      NodeAnalysisRequest signed = statements.sign(request, t.node().id(), researcher);
      calls.add(t.node().run(signed, deadline).handle((response, failure) ->
          outcome(t, analysis, response, failure, (System.nanoTime() - sent) / 1e6)));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        guarded(() -> completed(round, calls.stream().map(CompletableFuture::join).toList()));
      }
    });
  }

  private void guarded(Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  /**
   * Fetches the answers that {@code stored}'s sites held for review, from their nodes, by ticket; sites that had
   * answered are not asked again. Once every site has answered, the answers are pooled as the request's own round
   * would have pooled them; until then the response says which sites still wait. Each answer a node gives (a result,
   * or a refusal such as {@code review-denied}) is kept, so it is not asked for again.
   */
  CompletableFuture<AnalysisResponse> fetch(List<SiteOutcome> stored) {
    Analysis asked = driver.firstRound();
    List<CompletableFuture<SiteOutcome>> calls = new ArrayList<>();
    for (SiteOutcome site : stored) {
      if (site.getStatus() != SiteOutcome.Status.PENDING_REVIEW) {
        calls.add(CompletableFuture.completedFuture(site));
        continue;
      }
      Optional<Target> target = targets.stream().filter(t -> t.node().id().equals(site.getNodeId())).findFirst();
      if (target.isEmpty()) {
        calls.add(CompletableFuture.completedFuture(site.toBuilder().setStatus(SiteOutcome.Status.FAILED)
            .setErrorCode(Status.Code.FAILED_PRECONDITION.name()).setError("node " + site.getNodeId()
                + " is no longer in the federation").build()));
        continue;
      }
      long sent = System.nanoTime();
      calls.add(target.get().node().fetch(FetchReleaseRequest.newBuilder().setTicket(site.getReviewTicket())
          .setRequester(requester).setRequestId(requestId).build(), deadline).handle((response, failure) ->
          outcome(target.get(), asked, response, failure, (System.nanoTime() - sent) / 1e6)));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).whenComplete((done, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        guarded(() -> fetched(stored, calls.stream().map(CompletableFuture::join).toList()));
      }
    });
    return result;
  }

  private void fetched(List<SiteOutcome> stored, List<SiteOutcome> now) {
    List<SiteOutcome> kept = new ArrayList<>();
    boolean waiting = false;
    for (int i = 0; i < stored.size(); i++) {
      SiteOutcome site = now.get(i);
      boolean answered = site.getStatus() == SiteOutcome.Status.ANSWERED
          || site.getStatus() == SiteOutcome.Status.REFUSED;
      // A node that could not be asked now is asked again at the next fetch: its ticket stays.
      boolean stillPending = stored.get(i).getStatus() == SiteOutcome.Status.PENDING_REVIEW && !answered;
      waiting |= stillPending;
      kept.add(stillPending ? stored.get(i) : site);
    }
    save(kept);
    if (waiting) {
      finish(0, now, pendingNote(now));
    } else {
      completed(0, now);
    }
  }

  private void save(List<SiteOutcome> sites) {
    try {
      pending.save(PendingRequest.newBuilder().setRequestId(requestId).setRequester(requester).setRequest(request)
          .addAllSites(sites).setCreatedEpochMs(created).build());
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "cannot keep request " + requestId + " for fetching", e);
      throw new RequestRejected(Status.UNAVAILABLE.withDescription("the coordinator cannot write its store of "
          + "requests waiting for review, so it cannot answer this one"));
    }
  }

  /** Why there is no pooled value yet: the sites whose answers wait for review, and how to fetch the result. */
  private String pendingNote(List<SiteOutcome> sites) {
    List<String> waiting = sites.stream().filter(s -> s.getStatus() != SiteOutcome.Status.ANSWERED
        && s.getStatus() != SiteOutcome.Status.REFUSED).map(SiteOutcome::getNodeId).toList();
    return "PENDING_REVIEW: no pooled value yet: " + String.join(", ", waiting) + (waiting.size() == 1 ? " holds its"
        : " hold their") + " answer for review by the site's data steward (or could not be asked now); fetch the "
        + "result later with `fedstats fetch " + requestId + "`";
  }

  private void completed(int round, List<SiteOutcome> sites) {
    if (round == 0) {
      rejectIfEveryNodeRejected(sites);
    }
    if (sites.stream().anyMatch(s -> s.getStatus() == SiteOutcome.Status.PENDING_REVIEW)) {
      // Nodes hold single-round answers only (a round cannot wait); anything else is a node's mistake.
      if (driver.multiRound()) {
        finish(round, sites, incomplete(round, sites, List.of()));
        return;
      }
      save(sites);
      finish(round, sites, pendingNote(sites));
      return;
    }
    List<SiteOutcome> answered = sites.stream().filter(s -> s.getStatus() == SiteOutcome.Status.ANSWERED).toList();
    if (answered.size() < sites.size() && (answered.isEmpty() || !allowPartial || driver.multiRound())) {
      finish(round, sites, incomplete(round, sites, answered));
      return;
    }
    switch (driver.next(answered)) {
      case Continue c when !driver.multiRound() ->
          throw new IllegalStateException("the single-round driver of " + unit.kind() + " asked for another round");
      case Continue c when round + 1 >= Federation.MAX_ROUNDS_PER_SESSION -> {
        report(round, c.progress());
        finish(round, sites, "no pooled value: the analysis did not finish within "
            + Federation.MAX_ROUNDS_PER_SESSION + " rounds, the coordinator's limit for one session");
      }
      case Continue c -> {
        report(round, c.progress());
        round(round + 1, c.nextRound());
      }
      case Done d -> {
        d.progress().ifPresent(p -> report(round, p));
        List<SiteOutcome> pooledOnly = answered.stream().filter(s -> !s.getValuesWithheld().isEmpty()).toList();
        if (pooledOnly.size() == 1 && answered.size() == 1) {
          finish(round, sites, "no pooled value: " + where(round) + "it would be the values of "
              + pooledOnly.getFirst().getNodeId() + " alone, which its node keeps for pooling only ("
              + Contract.POOLED_ONLY + ")");
          return;
        }
        List<SiteOutcome> shown = pooledOnly.size() == 1 ? byDifference(sites, pooledOnly.getFirst()) : sites;
        Set<String> withheld = shown.stream().filter(s -> !s.getValuesWithheld().isEmpty())
            .map(SiteOutcome::getNodeId).collect(Collectors.toSet());
        AnalysisResponse.Builder b = response(round, shown).setPooledAvailable(true)
            .setPooled(withheld.isEmpty() ? d.pooled() : unit.withholding(d.pooled(), withheld))
            .setPooledNote(pooledNote(round, sites, answered) + rounded(answered)
                + (d.note().isEmpty() ? "" : "; " + d.note()));
        answered.forEach(s -> b.addPooledNodeIds(s.getNodeId()));
        result.complete(b.build());
      }
      case Fail f -> finish(round, sites, "no pooled value: " + where(round) + f.reason());
    }
  }

  private void report(int round, RoundProgress progress) {
    listener.accept(progress.toBuilder().setSessionId(sessionId).setRound(round)
        .setElapsedMs((System.nanoTime() - start) / 1e6).build());
  }

  /** Ends without a pooled value. */
  private void finish(int round, List<SiteOutcome> sites, String note) {
    result.complete(response(round, sites).setPooledAvailable(false).setPooledNote(note).build());
  }

  /** The response's common part; the results of sites whose values are withheld are left out. */
  private AnalysisResponse.Builder response(int round, List<SiteOutcome> sites) {
    AnalysisResponse.Builder b = AnalysisResponse.newBuilder().setRequestId(requestId).setSessionId(sessionId)
        .setRounds(round + 1);
    boolean waiting = sites.stream().anyMatch(s -> s.getStatus() == SiteOutcome.Status.PENDING_REVIEW);
    if (waiting || fetching) {
      b.setAnalysis(driver.firstRound());
    }
    // While a site's answer waits, the others' values are not shown: with a pooled-only site among them, the pooled
    // value fetched later less the values shown now would reveal it.
    List<SiteOutcome> shown = !waiting ? sites : sites.stream().map(s -> s.getStatus() != SiteOutcome.Status.ANSWERED
        || !s.getValuesWithheld().isEmpty() ? s : s.toBuilder().setValuesWithheld(AWAITING_REVIEW).build()).toList();
    shown.forEach(s -> b.addSites(s.getValuesWithheld().isEmpty() ? s : s.toBuilder().clearResult().build()));
    return b;
  }

  /**
   * The sites with the values of every answering site withheld: with one pooled-only site among the pooled ones,
   * its values would follow from the pooled value less the other sites' values. (With two or more, only their
   * pooled sum would.)
   */
  private static List<SiteOutcome> byDifference(List<SiteOutcome> sites, SiteOutcome pooledOnly) {
    String reason = Contract.POOLED_ONLY + " values of " + pooledOnly.getNodeId() + " would follow by difference";
    return sites.stream().map(s -> s.getStatus() != SiteOutcome.Status.ANSWERED || !s.getValuesWithheld().isEmpty()
        ? s : s.toBuilder().setValuesWithheld(reason).build()).toList();
  }

  /** "in round 2, " for a multi-round request; nothing for a single round. */
  private String where(int round) {
    return driver.multiRound() ? "in round " + round + ", " : "";
  }

  private String incomplete(int round, List<SiteOutcome> sites, List<SiteOutcome> answered) {
    List<SiteOutcome> missing = sites.stream().filter(s -> s.getStatus() != SiteOutcome.Status.ANSWERED).toList();
    String why = explain(missing);
    String note = "no pooled value: " + where(round) + (answered.isEmpty() ? "no site answered (" + why + ")"
        : missing.size() + " of " + sites.size() + " sites did not answer (" + why + ")");
    if (driver.multiRound()) {
      return note + "; a multi-round analysis needs every site in every round, so partial results are not pooled";
    }
    return answered.isEmpty() ? note : note + "; allow partial results to pool over the sites that answered";
  }

  /** What the pooled value rests on when sites' disclosure profiles rounded or redacted their counts. */
  private static String rounded(List<SiteOutcome> answered) {
    List<String> rounded = answered.stream().filter(s -> s.getResult().hasRounding()).map(s -> {
      var r = s.getResult().getRounding();
      if (r.getMidpoint()) {
        return s.getNodeId() + ": rounded to the midpoint of bins of " + r.getRoundedTo() + " (1-" + r.getRoundedTo()
            + " shown as " + (r.getRoundedTo() - r.getRoundedTo() / 2) + ", profile " + r.getProfile() + ")";
      }
      return s.getNodeId() + ": rounded to " + r.getRoundedTo() + ", " + r.getRedactedCells()
          + " redacted (counts 1-" + r.getRedactedAtOrBelow() + ", profile " + r.getProfile() + ")";
    }).toList();
    return rounded.isEmpty() ? "" : "; ROUNDED: the pooled value rests on rounded site values ("
        + String.join("; ", rounded) + ")";
  }

  private String pooledNote(int round, List<SiteOutcome> sites, List<SiteOutcome> answered) {
    String perturbed = perturbed(answered);
    if (answered.size() < sites.size()) {
      return "PARTIAL: pooled over " + answered.size() + " of " + sites.size() + " sites; left out: "
          + explain(sites.stream().filter(s -> s.getStatus() != SiteOutcome.Status.ANSWERED).toList()) + perturbed;
    }
    return "pooled over all " + sites.size() + " sites" + (driver.multiRound() ? " in " + (round + 1) + " rounds" : "")
        + perturbed;
  }

  /** "; it rests on perturbed site values (site1: cell-key, ...)" when a node added noise; nothing otherwise. */
  private static String perturbed(List<SiteOutcome> answered) {
    List<SiteOutcome> noisy = answered.stream().filter(SiteOutcome::hasPerturbation).toList();
    if (noisy.isEmpty()) {
      return "";
    }
    return "; it rests on perturbed site values (" + noisy.stream()
        .map(s -> s.getNodeId() + ": " + s.getPerturbation().getMethod()).collect(Collectors.joining(", ")) + ")";
  }

  private SiteOutcome outcome(Target target, Analysis requested, NodeAnalysisResponse response, Throwable failure,
      double latencyMs) {
    String nodeId = target.node().id();
    SiteOutcome.Builder b = SiteOutcome.newBuilder().setNodeId(nodeId).setLatencyMs(latencyMs);
    if (failure != null) {
      Status status = Status.fromThrowable(failure);
      return b.setStatus(SiteOutcome.Status.FAILED)
          .setErrorCode(status.getCode().name())
          .setError(status.getDescription() == null ? status.getCode().name() : status.getDescription())
          .build();
    }
    // The node's audit head after this answer: the researcher's receipt, and the coordinator's record of the log's end.
    b.setAuditHead(response.getAuditHead());
    if (response.hasPendingReview()) {
      return b.setStatus(SiteOutcome.Status.PENDING_REVIEW).setReviewTicket(response.getPendingReview().getTicket())
          .build();
    }
    if (response.hasRefusal()) {
      return b.setStatus(SiteOutcome.Status.REFUSED).setRefusal(response.getRefusal()).build();
    }
    if (!response.hasResult()) {
      return b.setStatus(SiteOutcome.Status.FAILED).setErrorCode(Status.Code.INTERNAL.name())
          .setError("the node sent neither a result nor a refusal").build();
    }
    Optional<String> problem = unit.problem(requested, target.declared(), response.getResult());
    if (problem.isPresent()) {
      return b.setStatus(SiteOutcome.Status.FAILED).setErrorCode(Status.Code.INTERNAL.name())
          .setError("node " + nodeId + " sent a malformed answer, left out of the pooled value: " + problem.get())
          .build();
    }
    // A pooled-only site's result is pooled, but left out of the response (see response()).
    if (response.hasPerturbation()) {
      b.setPerturbation(response.getPerturbation());
    }
    return b.setStatus(SiteOutcome.Status.ANSWERED).setResult(response.getResult())
        .setValuesWithheld(response.getPooledOnly() ? Contract.POOLED_ONLY : "").build();
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
}
