package org.fedstats.node.gate;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.fedstats.common.Contract;
import org.fedstats.common.Text;
import org.fedstats.common.audit.ChainedLog;
import org.fedstats.node.access.RequestAccess;
import org.fedstats.node.analysis.registry.LocalAnalyses;
import org.fedstats.node.analysis.LocalAnalysis;
import org.fedstats.node.audit.AuditEntry;
import org.fedstats.node.audit.AuditLog;
import org.fedstats.node.config.DatasetDefinition;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.PolicyHash;
import org.fedstats.node.disclosure.DisclosureRule;
import org.fedstats.node.disclosure.Finding;
import org.fedstats.node.disclosure.Refusal;
import org.fedstats.node.disclosure.SiteResults;
import org.fedstats.node.error.RequestException;
import org.fedstats.node.limits.QueryBudget;
import org.fedstats.node.limits.QueryLimits;
import org.fedstats.node.overlap.OverlapAuditor;
import org.fedstats.node.overlap.ReleasedSets;
import org.fedstats.node.review.ReleaseQueue;
import org.fedstats.node.store.DataVersion;
import org.fedstats.proto.v1.FetchReleaseRequest;
import org.fedstats.proto.v1.PendingReview;
import org.fedstats.proto.v1.ReviewDecision;
import org.fedstats.proto.v1.ReviewItem;
import org.fedstats.proto.v1.ReviewRelease;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.DatasetState;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeInfo;

/**
 * The node's gate, which every transport calls: who asked and whether it is theirs to ask (the coordinator's signed
 * identity statement and the study approvals, {@link RequestAccess}), request limits, the session's round limit and
 * the researcher's
 * query budget, then the {@link AnalysisEngine} (allow-list, validation, cohort, local step, disclosure), then the overlap audit of the
 * record sets an answer would release, the audit log, then the reply. Nothing leaves the node without passing here,
 * and nothing passes without an audit line (a hash chain; the reply carries its head); if the audit log cannot be
 * written, the node answers nothing. An
 * answer's record sets are checked against those released before, and remembered once its audit line is written,
 * before the reply leaves, all under the {@link OverlapAuditor}'s lock: two concurrent releases cannot both pass
 * against each other. An answer the dataset's review policy holds for its data steward goes to the
 * {@link ReleaseQueue} instead, and the reply carries its ticket only; {@link #fetch} releases it later, once
 * decided, through the same overlap check, audit line and remembering.
 */
public final class NodeGate {
  private static final Logger LOG = Logger.getLogger(NodeGate.class.getName());
  private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();
  /** Sessions whose rounds the node counts at once; the oldest are forgotten first. */
  static final int TRACKED_SESSIONS = 10_000;

  private final NodeSettings settings;
  private final AnalysisRunner engine;
  private final AuditLog audit;
  private final OverlapAuditor auditor;
  private final MeterRegistry meters;
  private final NodeInfo info;
  private final QueryBudget budget;
  private final ReleaseQueue releases;
  private final RequestAccess access;
  private final Map<String, Integer> roundsBySession = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
      return size() > TRACKED_SESSIONS;
    }
  };

  public NodeGate(NodeSettings settings, AnalysisRunner engine, AuditLog audit, OverlapAuditor auditor,
      MeterRegistry meters) {
    this(settings, engine, audit, auditor, meters, Clock.systemUTC());
  }

  /** A gate whose query budgets ({@code limits} of the datasets) run on {@code clock}, in memory only. */
  public NodeGate(NodeSettings settings, AnalysisRunner engine, AuditLog audit, OverlapAuditor auditor,
      MeterRegistry meters, Clock clock) {
    this(settings, engine, audit, auditor, meters, new QueryBudget(clock), RequestAccess.open(settings.nodeId()));
  }

  /**
   * A gate that first checks each request's identity statement and study approval with {@code access}, and whose
   * query budgets run on {@code clock}, in memory only.
   */
  public NodeGate(NodeSettings settings, AnalysisRunner engine, AuditLog audit, OverlapAuditor auditor,
      MeterRegistry meters, Clock clock, RequestAccess access) {
    this(settings, engine, audit, auditor, meters, new QueryBudget(clock), access);
  }

  /** A gate that charges queries to {@code budget} (the node's, kept in its state folder). */
  public NodeGate(NodeSettings settings, AnalysisRunner engine, AuditLog audit, OverlapAuditor auditor,
      MeterRegistry meters, QueryBudget budget) {
    this(settings, engine, audit, auditor, meters, budget, RequestAccess.open(settings.nodeId()));
  }

  /**
   * A gate that first checks each request's identity statement and study approval with {@code access}, and charges
   * queries to {@code budget}.
   */
  public NodeGate(NodeSettings settings, AnalysisRunner engine, AuditLog audit, OverlapAuditor auditor,
      MeterRegistry meters, QueryBudget budget, RequestAccess access) {
    this.access = access;
    this.budget = Objects.requireNonNull(budget, "budget");
    this.releases = new ReleaseQueue(settings.stateDir());
    this.settings = settings;
    this.engine = engine;
    this.audit = audit;
    this.auditor = auditor;
    this.meters = meters;
    NodeInfo.Builder b = NodeInfo.newBuilder().setNodeId(settings.nodeId()).setVersion(version());
    for (DatasetDefinition d : settings.datasets()) {
      DatasetInfo.Builder di = DatasetInfo.newBuilder().setName(d.name()).setDescription(d.description());
      // Identifiers are not announced: no request may use them.
      d.schema().usable().forEach(v -> di.addVariables(v.toProto()));
      // In the registry's order, so that nodes allowing the same analyses describe them the same way.
      LocalAnalyses.all().stream().map(LocalAnalysis::id).filter(d.analyses()::contains).forEach(di::addAnalyses);
      b.addDatasets(di);
      DatasetState.Builder state = DatasetState.newBuilder().setDataset(d.name()).setPolicyHash(PolicyHash.of(d));
      auditor.version(d.name()).ifPresent(v -> state.setDataVersion(v.digest()).setRows(v.rows()));
      b.addDatasetStates(state);
    }
    this.info = b.build();
  }

  /** The node's identity and its datasets' declarations (metadata only). */
  public NodeInfo info() {
    return info;
  }

  /** What the node sends back: an answer (a result or a refusal), or an error status. */
  public record Reply(NodeAnalysisResponse response, Status error) {
    public Reply {
      if ((response == null) == (error == null)) {
        throw new IllegalArgumentException("a request is either answered or failed");
      }
    }
  }

  /** Handles one request from {@code peer} (as the transport names it) while {@code caller} waits. */
  public Reply handle(NodeAnalysisRequest request, String peer, Liveness caller) {
    long start = System.nanoTime();
    String analysis = LocalAnalyses.of(request.getAnalysis()).<String>map(LocalAnalysis::id).orElse("none");
    // Who asked, for which project, and whether it is theirs to ask, before anything else.
    RequestAccess.Admission admission = access.admit(request, analysis);
    Handled handled = admission.refusal().map(Handled::of).orElseGet(() -> decide(request, analysis, caller));
    synchronized (auditor) {
      if (handled.sets().isPresent()) {
        Optional<Refusal> refusal = auditor.check(handled.sets().get());
        if (refusal.isPresent()) {
          handled = Handled.refused(answer(request), refusal.get());
        }
      }
      if (handled.held().isPresent()) {
        handled = hold(request, peer, analysis, handled);
      }
      try {
        long writing = System.nanoTime();
        String head = audit.record(entry(request, peer, analysis, admission, handled, start));
        NodeMeters.auditWrite(meters, Duration.ofNanos(System.nanoTime() - writing));
        if (handled.response() != null) {
          // The coordinator keeps the head with the answer, so the log's end is recorded outside this node.
          handled = handled.withResponse(handled.response().toBuilder().setAuditHead(head).build());
        }
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "audit log write failed; request " + Text.echo(request.getRequestId())
            + " not answered", e);
        if (handled.response() != null && handled.response().hasPendingReview()) {
          // Nobody was told of the ticket: its output leaves the queue unannounced.
          releases.discard(handled.response().getPendingReview().getTicket());
        }
        handled = auditFailed(handled.detail());
      }
      if (handled.sets().isPresent()) {
        handled = remember(request, peer, analysis, admission, handled, start);
      }
    }
    NodeMeters.request(meters, analysis, handled.outcome(), handled.outcome().equals("REFUSED")
        ? handled.detail() : null, Duration.ofNanos(System.nanoTime() - start));
    return new Reply(handled.response(), handled.error());
  }

  /**
   * Puts a held answer in the release queue under a new ticket, the reply naming the ticket only; if the queue cannot
   * be written, nothing is answered.
   */
  private Handled hold(NodeAnalysisRequest request, String peer, String analysis, Handled handled) {
    NodeOutcome.Held held = handled.held().orElseThrow();
    String ticket = ReleaseQueue.newTicket();
    NodeAnalysisResponse.Builder answer = answer(request).setResult(held.answer().result());
    held.answer().perturbation().ifPresent(answer::setPerturbation);
    try {
      releases.hold(ReviewItems.item(ticket, request, peer, analysis, describe(request), answer.build(), held));
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "release queue write failed; request " + Text.echo(request.getRequestId())
          + " not answered", e);
      return Handled.error(Status.UNAVAILABLE.withDescription("node " + settings.nodeId()
          + " cannot write its release queue, so it answers no request that waits for review"), "STATE_FAILED",
          "the answer was not held: the node could not write its release queue");
    }
    NodeAnalysisResponse pending = handled.response().toBuilder()
        .setPendingReview(handled.response().getPendingReview().toBuilder().setTicket(ticket)).build();
    return new Handled(pending, null, "PENDING_REVIEW", "ticket " + ticket + " waits for review: "
        + held.evidence().stream().map(Finding::rule).distinct().collect(Collectors.joining(", ")), Optional.empty());
  }

  private String pendingNote(String dataset) {
    return "held for review by the data steward of node " + settings.nodeId() + ", as the policy of dataset "
        + dataset + " asks; fetch it later with its ticket";
  }

  /**
   * A held answer fetched by its ticket for {@code request}'s requester, with {@code peer} the caller as the transport
   * names it. Once the steward has decided, the node acts on the decision and records it in its audit log: an
   * approved answer is checked again against the overlap audit, as an immediate answer would be, and its record sets
   * remembered; a denied one is refused under {@code review-denied} with the steward's reason. What is released
   * for a ticket is released once: fetched again, it is sent again (and audited again) without a second check or
   * remembering. Undecided, the reply is pending again.
   */
  public Reply fetch(FetchReleaseRequest request, String peer) {
    long start = System.nanoTime();
    Handled handled;
    ReviewItem item = null;
    synchronized (auditor) {
      try {
        item = releases.item(request.getTicket()).orElseThrow(() -> RequestException.notFound(
            "node " + settings.nodeId() + " holds no answer under that review ticket"));
        // By name: the address part of a requester changes with every connection.
        if (!Contract.researcher(item.getRequester()).equals(Contract.researcher(request.getRequester()))) {
          throw RequestException.denied("review ticket " + item.getTicket() + " is not yours: only the researcher "
              + "who asked may fetch its answer");
        }
        handled = fetched(item);
      } catch (RequestException e) {
        handled = Handled.of(e);
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "release queue read failed for a review ticket", e);
        handled = Handled.error(Status.UNAVAILABLE.withDescription("node " + settings.nodeId()
            + " cannot read its release queue"), "STATE_FAILED", String.valueOf(e.getMessage()));
      }
      AuditEntry entry = releaseEntry(request, peer, item, handled, start);
      try {
        String head = audit.record(entry);
        if (handled.response() != null) {
          handled = handled.withResponse(handled.response().toBuilder().setAuditHead(head).build());
        }
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "audit log write failed; review ticket not released", e);
        handled = auditFailed(handled.detail());
      }
      if (handled.error() == null && item != null && isFinal(handled)
          && releases.released(item.getTicket()).isEmpty()) {
        handled = released(request, peer, item, handled, start);
      }
    }
    Timer.builder("fedstats.node.releases").tag("outcome", handled.outcome()).register(meters)
        .record(Duration.ofNanos(System.nanoTime() - start));
    return new Reply(handled.response(), handled.error());
  }

  private static boolean isFinal(Handled handled) {
    return handled.response() != null && !handled.response().hasPendingReview();
  }

  /** What a fetch of {@code item} gets, before it is audited. */
  private Handled fetched(ReviewItem item) {
    Optional<ReviewRelease> before = releases.released(item.getTicket());
    if (before.isPresent()) {
      NodeAnalysisResponse again = before.get().getResponse();
      return new Handled(again, null, again.hasRefusal() ? "REFUSED" : "ANSWERED", "released again for review ticket "
          + item.getTicket() + (again.hasRefusal() ? " (" + again.getRefusal().getRule() + ")" : ""), Optional.empty());
    }
    Optional<ReviewDecision> decision = releases.decision(item.getTicket());
    NodeAnalysisResponse.Builder answer = NodeAnalysisResponse.newBuilder().setNodeId(settings.nodeId())
        .setPooledOnly(pooledOnly(item.getDataset()));
    if (decision.isEmpty()) {
      return new Handled(answer.setPendingReview(PendingReview.newBuilder().setTicket(item.getTicket())
          .setNote(pendingNote(item.getDataset()))).build(), null, "PENDING_REVIEW", "review ticket "
          + item.getTicket() + " is still undecided", Optional.empty());
    }
    ReviewDecision d = decision.get();
    if (!d.getApproved()) {
      return Handled.refused(answer, new Refusal(DisclosureRule.REVIEW_DENIED, 0, "the data steward of node "
          + settings.nodeId() + " denied the release: " + d.getText())).withDetail("review-denied: ticket "
          + item.getTicket() + " denied by " + d.getSteward());
    }
    Optional<ReleasedSets> sets = ReviewItems.sets(item);
    if (sets.isPresent() && !auditor.version(item.getDataset()).map(sets.get().version()::equals).orElse(false)) {
      throw RequestException.failedPrecondition("dataset " + item.getDataset() + " on node " + settings.nodeId()
          + " holds other data than when the answer was computed; ask again");
    }
    if (sets.isPresent() && auditor.audits(item.getDataset())) {
      // Released now, so checked now: other answers may have been released while this one waited.
      Optional<Refusal> refusal = auditor.check(sets.get());
      if (refusal.isPresent()) {
        return Handled.refused(answer, refusal.get());
      }
    }
    return new Handled(item.getResponse(), null, "ANSWERED", "released after review: ticket " + item.getTicket()
        + " approved by " + d.getSteward() + (d.getText().isEmpty() ? "" : " (" + d.getText() + ")"),
        sets.filter(x -> auditor.audits(item.getDataset())));
  }

  /**
   * Remembers a first release's record sets and records what left for the ticket; if either cannot be written, the
   * answer is withheld and a second audit line says so (a later fetch does it again: remembering the same sets twice
   * changes nothing).
   */
  private Handled released(FetchReleaseRequest request, String peer, ReviewItem item, Handled answered, long start) {
    try {
      answered.sets().ifPresent(auditor::remember);
      releases.release(ReviewRelease.newBuilder().setTicket(item.getTicket())
          .setResponse(answered.response().toBuilder().clearAuditHead()).setReleasedEpochMs(System.currentTimeMillis())
          .build());
      return answered;
    } catch (RuntimeException e) {
      return stateFailed("node state write failed; review ticket " + item.getTicket() + " not released", e,
          failed -> releaseEntry(request, peer, item, failed, start));
    }
  }

  private AuditEntry releaseEntry(FetchReleaseRequest request, String peer, ReviewItem item, Handled handled,
      long start) {
    String released = handled.response() == null ? "" : ChainedLog.sha256(handled.response().toByteArray());
    return new AuditEntry(Instant.now(), settings.nodeId(), request.getRequestId(), request.getRequester(), peer,
        item == null ? "" : item.getDataset(), item == null ? "" : item.getDataVersion(),
        item == null ? "none" : item.getAnalysis(), item == null ? "" : item.getRequest(), handled.outcome(),
        handled.detail(), released, "", 0, (System.nanoTime() - start) / 1000,
        // A fetch carries no identity statement: the ticket, told only to the researcher who asked, and the
        // requester's name are what it is checked on.
        Contract.researcher(request.getRequester()), RequestAccess.UNSIGNED, "");
  }

  private AuditEntry entry(NodeAnalysisRequest request, String peer, String analysis,
      RequestAccess.Admission admission, Handled handled, long start) {
    String released = handled.response() == null ? "" : ChainedLog.sha256(handled.response().toByteArray());
    return new AuditEntry(Instant.now(), settings.nodeId(), request.getRequestId(), request.getRequester(),
        peer, request.getDataset(), auditor.version(request.getDataset()).map(DataVersion::digest).orElse(""),
        analysis, describe(request), handled.outcome(), handled.detail(), released, request.getSessionId(),
        request.getRound(), (System.nanoTime() - start) / 1000, admission.researcher(), admission.method(),
        admission.project());
  }

  /**
   * Remembers an audited answer's record sets before it leaves; if they cannot be written, the answer is withheld
   * and a second audit line says so.
   */
  private Handled remember(NodeAnalysisRequest request, String peer, String analysis,
      RequestAccess.Admission admission, Handled answered, long start) {
    try {
      auditor.remember(answered.sets().get());
      return answered;
    } catch (RuntimeException e) {
      return stateFailed("node state write failed; request " + Text.echo(request.getRequestId()) + " not answered",
          e, failed -> entry(request, peer, analysis, admission, failed, start));
    }
  }

  /**
   * An answer withheld because the node could not record what it releases, with a second audit line (made by
   * {@code entry}) saying so.
   */
  private Handled stateFailed(String message, RuntimeException e, Function<Handled, AuditEntry> entry) {
    LOG.log(Level.SEVERE, message, e);
    Handled failed = Handled.error(Status.UNAVAILABLE.withDescription("node " + settings.nodeId()
        + " cannot write its state, so it answers no request"), "STATE_FAILED",
        "the answer was withheld: the node could not record what it releases");
    try {
      audit.record(entry.apply(failed));
    } catch (RuntimeException again) {
      LOG.log(Level.SEVERE, "audit log write failed too", again);
    }
    return failed;
  }

  /** No answer: the audit log cannot be written. */
  private Handled auditFailed(String detail) {
    return Handled.error(Status.UNAVAILABLE.withDescription("node " + settings.nodeId()
        + " cannot write its audit log, so it answers no request"), "AUDIT_FAILED", detail);
  }

  /**
   * What the node does with a request, its audit outcome and detail, and the record sets an answer would release
   * (empty for anything else).
   */
  private record Handled(NodeAnalysisResponse response, Status error, String outcome, String detail,
      Optional<ReleasedSets> sets, Optional<NodeOutcome.Held> held) {
    Handled {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(sets, "sets");
      Objects.requireNonNull(held, "held");
    }

    Handled(NodeAnalysisResponse response, Status error, String outcome, String detail, Optional<ReleasedSets> sets) {
      this(response, error, outcome, detail, sets, Optional.empty());
    }

    static Handled error(Status status, String outcome, String detail) {
      return new Handled(null, status, outcome, detail, Optional.empty());
    }

    static Handled refused(NodeAnalysisResponse.Builder answer, Refusal refusal) {
      return new Handled(answer.setRefusal(refusal.toProto()).build(), null, "REFUSED", refusal.rule().id(),
          Optional.empty());
    }

    Handled withResponse(NodeAnalysisResponse changed) {
      return new Handled(changed, error, outcome, detail, sets, held);
    }

    Handled withDetail(String changed) {
      return new Handled(response, error, outcome, changed, sets, held);
    }

    static Handled of(RequestException e) {
      return error(e.toStatus(), e.code().name(), e.getMessage());
    }
  }

  /** The start of the node's answer to {@code request}: its id, and whether its values are for pooling only. */
  private NodeAnalysisResponse.Builder answer(NodeAnalysisRequest request) {
    return NodeAnalysisResponse.newBuilder().setNodeId(settings.nodeId()).setPooledOnly(pooledOnly(request.getDataset()));
  }

  private Handled decide(NodeAnalysisRequest request, String analysis, Liveness caller) {
    // Answered and refused requests count against the researcher's query budget; any other end gives it back.
    QueryBudget.Charge charge = null;
    try {
      if (request.getSerializedSize() > Contract.MAX_REQUEST_BYTES) {
        throw RequestException.invalid("request is " + request.getSerializedSize() + " bytes; the limit is "
            + Contract.MAX_REQUEST_BYTES);
      }
      checkRound(request);
      charge = budget.charge(request.getRequester(), request.getDataset(), request.getSessionId(),
          settings.dataset(request.getDataset()).map(DatasetDefinition::limits).orElse(QueryLimits.NONE));
      requireWaiting(caller);
      long running = System.nanoTime();
      NodeOutcome result;
      try {
        result = engine.run(new AnalysisEngine.Request(request.getDataset(), request.hasFilter(),
            request.getFilter(), request.getAnalysis(), request.getRequester(), request.getRequestId()),
            caller.cancellation());
      } finally {
        NodeMeters.engine(meters, analysis, Duration.ofNanos(System.nanoTime() - running));
      }
      // The caller may have gone while the analysis ran: then nothing is answered, and the audit log says so.
      requireWaiting(caller);
      return switch (result) {
        case NodeOutcome.Answered a -> {
          NodeAnalysisResponse.Builder answer = answer(request).setResult(a.result());
          a.perturbation().ifPresent(answer::setPerturbation);
          yield new Handled(answer.build(), null, "ANSWERED", "", a.sets());
        }
        case NodeOutcome.Refused r -> Handled.refused(answer(request), r.refusal());
        // Nodes keep no state between rounds: a round cannot wait while the coordinator's next one needs it.
        case NodeOutcome.Held h when !request.getSessionId().isEmpty() -> Handled.refused(answer(request),
            new Refusal(DisclosureRule.REVIEW_REQUIRED, 0, "this round's output of dataset " + request.getDataset()
                + " needs review by the data steward of node " + settings.nodeId() + " (" + h.evidence().stream()
                .map(Finding::rule).distinct().collect(Collectors.joining(", ")) + "), which a round of a "
                + "multi-round analysis cannot wait for; ask the steward, or ask a single-round analysis"));
        // The answer stays in the node: the reply says only that it waits (the gate adds the ticket when it holds it).
        case NodeOutcome.Held h -> new Handled(answer(request).setPendingReview(PendingReview.newBuilder()
            .setNote(pendingNote(request.getDataset()))).build(), null, "PENDING_REVIEW", "", h.answer().sets(),
            Optional.of(h));
      };
    } catch (RequestException e) {
      budget.refund(charge);
      return Handled.of(e);
    } catch (Exception e) {
      budget.refund(charge);
      Optional<RequestException> gone = caller.gone(settings.nodeId());
      if (gone.isPresent()) {
        // The failure is the statement cancelled because the caller went away.
        return Handled.of(gone.get());
      }
      // Database messages can quote data; log them locally, never send them.
      LOG.log(Level.SEVERE, "analysis " + Text.echo(request.getRequestId()) + " failed", e);
      return Handled.error(Status.INTERNAL.withDescription("node " + settings.nodeId() + " could not run the "
          + "analysis; its operator can find the cause in the node's log"), Status.Code.INTERNAL.name(),
          String.valueOf(e.getMessage()));
    }
  }

  /** Whether the dataset's policy keeps its site-level results for pooling only (never shown to researchers). */
  private boolean pooledOnly(String dataset) {
    return settings.dataset(dataset).map(d -> d.policy().siteResults() == SiteResults.POOLED_ONLY).orElse(false);
  }

  private void requireWaiting(Liveness caller) {
    Optional<RequestException> gone = caller.gone(settings.nodeId());
    if (gone.isPresent()) {
      throw gone.get();
    }
  }

  /**
   * Node policy on multi-round analyses: at most {@code max-rounds-per-session} rounds per session, whatever round
   * numbers the coordinator sends.
   */
  private void checkRound(NodeAnalysisRequest request) {
    int max = settings.maxRoundsPerSession();
    if (request.getRound() < 0 || request.getRound() >= max) {
      throw RequestException.denied("round " + request.getRound() + " is beyond node " + settings.nodeId()
          + "'s limit of " + max + " rounds per analysis session");
    }
    if (request.getSessionId().isEmpty()) {
      return;
    }
    int rounds;
    synchronized (roundsBySession) {
      rounds = roundsBySession.merge(request.getSessionId(), 1, Integer::sum);
    }
    if (rounds > max) {
      throw RequestException.denied("session " + Text.echo(request.getSessionId()) + " has had " + max
          + " rounds, node " + settings.nodeId() + "'s limit per analysis session");
    }
  }

  private static String describe(NodeAnalysisRequest request) {
    if (request.getSerializedSize() > Contract.MAX_REQUEST_BYTES) {
      return "(oversized request of " + request.getSerializedSize() + " bytes, not recorded)";
    }
    try {
      return JSON.print(request.toBuilder().clearRequestId().clearRequester().clearSessionId().clearRound()
          .clearProject().clearIdentityStatement().build());
    } catch (InvalidProtocolBufferException e) {
      return request.toString();
    }
  }

  /** The build's version, from the jar's manifest ("dev" when run from classes). */
  public static String version() {
    return Contract.version(NodeGate.class);
  }
}
