package org.fedstats.node.service;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.fedstats.common.Text;
import org.fedstats.node.analysis.AnalysisEngine;
import org.fedstats.node.analysis.AnalysisKind;
import org.fedstats.node.analysis.AnalysisRunner;
import org.fedstats.node.analysis.NodeOutcome;
import org.fedstats.node.audit.AuditEntry;
import org.fedstats.node.audit.AuditLog;
import org.fedstats.node.config.DatasetDefinition;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.request.RequestException;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.GetNodeInfoRequest;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeInfo;
import org.fedstats.proto.v1.NodeServiceGrpc;

/** gRPC face of a node: translates requests for the engine, audits every one, and maps failures to statuses. */
public final class NodeGrpcService extends NodeServiceGrpc.NodeServiceImplBase {
  private static final Logger LOG = Logger.getLogger(NodeGrpcService.class.getName());
  private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();
  /** Largest research request a node runs; typed requests are small, so a bigger one is a mistake or an attack. */
  public static final int MAX_REQUEST_BYTES = 64 * 1024;

  private final NodeSettings settings;
  private final AnalysisRunner engine;
  private final AuditLog audit;
  private final MeterRegistry meters;
  private final NodeInfo info;

  public NodeGrpcService(NodeSettings settings, AnalysisRunner engine, AuditLog audit, MeterRegistry meters) {
    this.settings = settings;
    this.engine = engine;
    this.audit = audit;
    this.meters = meters;
    NodeInfo.Builder b = NodeInfo.newBuilder().setNodeId(settings.nodeId()).setVersion(version());
    for (DatasetDefinition d : settings.datasets()) {
      DatasetInfo.Builder di = DatasetInfo.newBuilder().setName(d.name()).setDescription(d.description());
      d.schema().variables().forEach(v -> di.addVariables(v.toProto()));
      d.analyses().stream().sorted().forEach(a -> di.addAnalyses(a.id()));
      b.addDatasets(di);
    }
    this.info = b.build();
  }

  @Override
  public void getNodeInfo(GetNodeInfoRequest request, StreamObserver<NodeInfo> responses) {
    responses.onNext(info);
    responses.onCompleted();
  }

  @Override
  public void runAnalysis(NodeAnalysisRequest request, StreamObserver<NodeAnalysisResponse> responses) {
    long start = System.nanoTime();
    AnalysisKind kind = AnalysisKind.of(request.getAnalysis());
    String analysis = kind == null ? "none" : kind.id();
    Handled handled;
    try (CallWatch call = new CallWatch(Context.current())) {
      handled = handle(request, call);
    }
    long micros = (System.nanoTime() - start) / 1000;
    try {
      audit.record(new AuditEntry(Instant.now(), settings.nodeId(), request.getRequestId(), request.getRequester(),
          PeerInterceptor.PEER.get(), request.getDataset(), analysis, describe(request), handled.outcome(),
          handled.detail(), micros));
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "audit log write failed; request " + Text.echo(request.getRequestId())
          + " not answered", e);
      handled = Handled.error(Status.UNAVAILABLE.withDescription("node " + settings.nodeId()
          + " cannot write its audit log, so it answers no request"), "AUDIT_FAILED", handled.detail());
    }
    Timer.builder("fedstats.node.requests").tag("analysis", analysis).tag("outcome", handled.outcome())
        .register(meters).record(java.time.Duration.ofNanos(System.nanoTime() - start));
    if (handled.error() != null) {
      responses.onError(handled.error().asRuntimeException());
    } else {
      responses.onNext(handled.response());
      responses.onCompleted();
    }
  }

  /** What the node does with a request: an answer or a refusal, or an error status; its audit outcome and detail. */
  private record Handled(NodeAnalysisResponse response, Status error, String outcome, String detail) {
    Handled {
      if ((response == null) == (error == null)) {
        throw new IllegalArgumentException("a request is either answered or failed");
      }
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(detail, "detail");
    }

    static Handled error(Status status, String outcome, String detail) {
      return new Handled(null, status, outcome, detail);
    }

    static Handled of(RequestException e) {
      return error(e.toStatus(), e.code().name(), e.getMessage());
    }
  }

  private Handled handle(NodeAnalysisRequest request, CallWatch call) {
    try {
      if (request.getSerializedSize() > MAX_REQUEST_BYTES) {
        throw RequestException.invalid("request is " + request.getSerializedSize() + " bytes; the limit is "
            + MAX_REQUEST_BYTES);
      }
      call.requireWaiting(settings.nodeId());
      NodeOutcome result = engine.run(new AnalysisEngine.Request(request.getDataset(), request.hasFilter(),
          request.getFilter(), request.getAnalysis()), call.cancellation());
      // The caller may have gone while the analysis ran: then nothing is answered, and the audit log says so.
      call.requireWaiting(settings.nodeId());
      NodeAnalysisResponse.Builder b = NodeAnalysisResponse.newBuilder().setNodeId(settings.nodeId());
      return switch (result) {
        case NodeOutcome.Answered a -> new Handled(b.setResult(a.result()).build(), null, "ANSWERED", "");
        case NodeOutcome.Refused r -> new Handled(b.setRefusal(r.refusal().toProto()).build(), null, "REFUSED",
            r.refusal().rule().id());
      };
    } catch (RequestException e) {
      return Handled.of(e);
    } catch (Exception e) {
      Optional<RequestException> gone = call.gone(settings.nodeId());
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

  private static String describe(NodeAnalysisRequest request) {
    if (request.getSerializedSize() > MAX_REQUEST_BYTES) {
      return "(oversized request of " + request.getSerializedSize() + " bytes, not recorded)";
    }
    try {
      return JSON.print(request.toBuilder().clearRequestId().clearRequester().build());
    } catch (InvalidProtocolBufferException e) {
      return request.toString();
    }
  }

  /** The build's version, from the jar's manifest ("dev" when run from classes). */
  public static String version() {
    String v = NodeGrpcService.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
