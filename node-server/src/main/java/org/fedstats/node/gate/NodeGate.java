package org.fedstats.node.gate;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.fedstats.common.Contract;
import org.fedstats.common.Text;
import org.fedstats.common.audit.ChainedLog;
import org.fedstats.node.analysis.registry.LocalAnalyses;
import org.fedstats.node.analysis.LocalAnalysis;
import org.fedstats.node.audit.AuditEntry;
import org.fedstats.node.audit.AuditLog;
import org.fedstats.node.config.DatasetDefinition;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.PolicyHash;
import org.fedstats.node.disclosure.Refusal;
import org.fedstats.node.disclosure.SiteResults;
import org.fedstats.node.error.RequestException;
import org.fedstats.node.limits.QueryBudget;
import org.fedstats.node.limits.QueryLimits;
import org.fedstats.node.overlap.OverlapAuditor;
import org.fedstats.node.overlap.ReleasedSets;
import org.fedstats.node.store.DataVersion;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.DatasetState;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeInfo;

/**
 * The node's gate, which every transport calls: request limits, the session's round limit and the researcher's
 * query budget, then the {@link AnalysisEngine} (allow-list, validation, cohort, local step, disclosure), then the overlap audit of the
 * record sets an answer would release, the audit log, then the reply. Nothing leaves the node without passing here,
 * and nothing passes without an audit line (a hash chain; the reply carries its head); if the audit log cannot be
 * written, the node answers nothing. An
 * answer's record sets are checked against those released before, and remembered once its audit line is written,
 * before the reply leaves, all under the {@link OverlapAuditor}'s lock: two concurrent releases cannot both pass
 * against each other.
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

  /** A gate whose query budgets ({@code limits} of the datasets) run on {@code clock}. */
  public NodeGate(NodeSettings settings, AnalysisRunner engine, AuditLog audit, OverlapAuditor auditor,
      MeterRegistry meters, Clock clock) {
    this.budget = new QueryBudget(clock);
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
    Handled handled = decide(request, analysis, caller);
    synchronized (auditor) {
      if (handled.sets().isPresent()) {
        Optional<Refusal> refusal = auditor.check(handled.sets().get());
        if (refusal.isPresent()) {
          handled = Handled.refused(answer(request), refusal.get());
        }
      }
      try {
        long writing = System.nanoTime();
        String head = audit.record(entry(request, peer, analysis, handled, start));
        NodeMeters.auditWrite(meters, Duration.ofNanos(System.nanoTime() - writing));
        if (handled.response() != null) {
          // The coordinator keeps the head with the answer, so the log's end is recorded outside this node.
          handled = handled.withResponse(handled.response().toBuilder().setAuditHead(head).build());
        }
      } catch (RuntimeException e) {
        LOG.log(Level.SEVERE, "audit log write failed; request " + Text.echo(request.getRequestId())
            + " not answered", e);
        handled = Handled.error(Status.UNAVAILABLE.withDescription("node " + settings.nodeId()
            + " cannot write its audit log, so it answers no request"), "AUDIT_FAILED", handled.detail());
      }
      if (handled.sets().isPresent()) {
        handled = remember(request, peer, analysis, handled, start);
      }
    }
    NodeMeters.request(meters, analysis, handled.outcome(), handled.outcome().equals("REFUSED")
        ? handled.detail() : null, Duration.ofNanos(System.nanoTime() - start));
    return new Reply(handled.response(), handled.error());
  }

  private AuditEntry entry(NodeAnalysisRequest request, String peer, String analysis, Handled handled, long start) {
    String released = handled.response() == null ? "" : ChainedLog.sha256(handled.response().toByteArray());
    return new AuditEntry(Instant.now(), settings.nodeId(), request.getRequestId(), request.getRequester(),
        peer, request.getDataset(), auditor.version(request.getDataset()).map(DataVersion::digest).orElse(""),
        analysis, describe(request), handled.outcome(), handled.detail(), released, request.getSessionId(),
        request.getRound(), (System.nanoTime() - start) / 1000);
  }

  /**
   * Remembers an audited answer's record sets before it leaves; if they cannot be written, the answer is withheld
   * and a second audit line says so.
   */
  private Handled remember(NodeAnalysisRequest request, String peer, String analysis, Handled answered, long start) {
    try {
      auditor.remember(answered.sets().get());
      return answered;
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "node state write failed; request " + Text.echo(request.getRequestId())
          + " not answered", e);
      Handled failed = Handled.error(Status.UNAVAILABLE.withDescription("node " + settings.nodeId()
          + " cannot write its state, so it answers no request"), "STATE_FAILED",
          "the answer was withheld: the node could not record what it releases");
      try {
        audit.record(entry(request, peer, analysis, failed, start));
      } catch (RuntimeException again) {
        LOG.log(Level.SEVERE, "audit log write failed too", again);
      }
      return failed;
    }
  }

  /**
   * What the node does with a request, its audit outcome and detail, and the record sets an answer would release
   * (empty for anything else).
   */
  private record Handled(NodeAnalysisResponse response, Status error, String outcome, String detail,
      Optional<ReleasedSets> sets) {
    Handled {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(sets, "sets");
    }

    static Handled error(Status status, String outcome, String detail) {
      return new Handled(null, status, outcome, detail, Optional.empty());
    }

    static Handled refused(NodeAnalysisResponse.Builder answer, Refusal refusal) {
      return new Handled(answer.setRefusal(refusal.toProto()).build(), null, "REFUSED", refusal.rule().id(),
          Optional.empty());
    }

    Handled withResponse(NodeAnalysisResponse changed) {
      return new Handled(changed, error, outcome, detail, sets);
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
      return JSON.print(request.toBuilder().clearRequestId().clearRequester().clearSessionId().clearRound().build());
    } catch (InvalidProtocolBufferException e) {
      return request.toString();
    }
  }

  /** The build's version, from the jar's manifest ("dev" when run from classes). */
  public static String version() {
    return Contract.version(NodeGate.class);
  }
}
