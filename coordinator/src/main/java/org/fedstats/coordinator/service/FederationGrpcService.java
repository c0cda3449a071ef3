package org.fedstats.coordinator.service;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.fedstats.common.Contract;
import org.fedstats.common.Text;
import org.fedstats.coordinator.audit.RequestAudit;
import org.fedstats.coordinator.federation.Federation;
import org.fedstats.coordinator.identity.Researcher;
import org.fedstats.coordinator.federation.RequestRejected;
import org.fedstats.proto.v1.AnalysisEvent;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.FetchResultRequest;
import org.fedstats.proto.v1.ListDatasetsRequest;
import org.fedstats.proto.v1.ListDatasetsResponse;
import org.fedstats.proto.v1.ListNodesRequest;
import org.fedstats.proto.v1.ListNodesResponse;
import org.fedstats.proto.v1.RoundProgress;

/** gRPC face of the coordinator for researchers; the work is in {@link Federation}. */
public final class FederationGrpcService extends FederationServiceGrpc.FederationServiceImplBase {
  private static final Logger LOG = Logger.getLogger(FederationGrpcService.class.getName());
  private final Federation federation;
  private final RequestAudit audit;
  private final RequestMeters meters;

  /** A service that keeps no audit log of its own (the nodes still audit every request). */
  public FederationGrpcService(Federation federation) {
    this(federation, RequestAudit.NONE);
  }

  /** A service whose requests are measured nowhere. */
  public FederationGrpcService(Federation federation, RequestAudit audit) {
    this(federation, audit, new CompositeMeterRegistry());
  }

  public FederationGrpcService(Federation federation, RequestAudit audit, MeterRegistry meters) {
    this.federation = federation;
    this.audit = audit;
    this.meters = new RequestMeters(meters);
  }

  @Override
  public void listNodes(ListNodesRequest request, StreamObserver<ListNodesResponse> responses) {
    responses.onNext(federation.listNodes());
    responses.onCompleted();
  }

  @Override
  public void listDatasets(ListDatasetsRequest request, StreamObserver<ListDatasetsResponse> responses) {
    responses.onNext(federation.listDatasets());
    responses.onCompleted();
  }

  @Override
  public void runAnalysis(AnalysisRequest request, StreamObserver<AnalysisResponse> responses) {
    runAnalysisAsync(request, responses);
  }

  /**
   * {@link #runAnalysis} for the HTTP face, on the same path (audit, meters, limits): the caller is the gRPC
   * context's; cancelling the returned future stops a multi-round request before its next round.
   */
  CompletableFuture<AnalysisResponse> runAnalysisAsync(AnalysisRequest request,
      StreamObserver<AnalysisResponse> responses) {
    return run(request, responses, progress -> {}, response -> response);
  }

  /** Each round's progress as it completes, then the response; a researcher who leaves stops the rounds. */
  @Override
  public void runAnalysisStream(AnalysisRequest request, StreamObserver<AnalysisEvent> events) {
    ServerCallStreamObserver<AnalysisEvent> call = (ServerCallStreamObserver<AnalysisEvent>) events;
    AtomicReference<Future<?>> running = new AtomicReference<>();
    call.setOnCancelHandler(() -> {
      Future<?> r = running.get();
      if (r != null) {
        r.cancel(false);
      }
    });
    running.set(run(request, call, progress -> {
      if (!call.isCancelled()) {
        call.onNext(AnalysisEvent.newBuilder().setProgress(progress).build());
      }
    }, response -> AnalysisEvent.newBuilder().setResponse(response).build()));
  }

  /**
   * A request some of whose sites held their answers for review, fetched by the researcher who asked it; audited as
   * a fetch of that request.
   */
  @Override
  public void fetchResult(FetchResultRequest request, StreamObserver<AnalysisResponse> responses) {
    fetchResultAsync(request, responses);
  }

  /** {@link #fetchResult} for the HTTP face, on the same path; the caller is the gRPC context's. */
  CompletableFuture<AnalysisResponse> fetchResultAsync(FetchResultRequest request,
      StreamObserver<AnalysisResponse> responses) {
    String requester = requester();
    String method = researcher(requester).method().label();
    String what = "fetch of request " + Text.echo(request.getRequestId());
    return serve(what, "fetch", requester, () -> federation.fetchAsync(request.getRequestId(), requester),
        (response, micros) -> audit.fetched(request.getRequestId(), requester, method, response, micros),
        (status, micros) -> audit.fetchRejected(request.getRequestId(), requester, method, status, micros),
        responses, response -> response);
  }

  /** Runs the request, telling {@code listener} of its rounds, and answers {@code observer} with its last message. */
  private <T> CompletableFuture<AnalysisResponse> run(AnalysisRequest request, StreamObserver<T> observer,
      Consumer<RoundProgress> listener, Function<AnalysisResponse, T> last) {
    String requester = requester();
    Researcher researcher = researcher(requester);
    String method = researcher.method().label();
    return serve("request by " + Text.echo(requester) + " on " + Text.echo(request.getDataset()) + " ("
        + kind(request) + ")", kind(request), requester,
        () -> federation.runAsync(request, requester, researcher, listener),
        (response, micros) -> audit.answered(request, requester, method, response, micros),
        (status, micros) -> audit.rejected(request, requester, method, status, micros), observer, last);
  }

  private static String requester() {
    return RequesterInterceptor.REQUESTER.get() == null ? "anonymous" : RequesterInterceptor.REQUESTER.get();
  }

  /** Who the caller is as the coordinator authenticated them, or the name they claimed where it checks no one. */
  private static Researcher researcher(String requester) {
    return RequesterInterceptor.RESEARCHER.get() == null
        ? Researcher.claimed(Contract.researcher(requester)) : RequesterInterceptor.RESEARCHER.get();
  }

  /**
   * Starts a request's work, records its response (or rejection) in the audit log, and answers {@code observer}
   * with its last message; a response that cannot be audited is not given.
   */
  private <T> CompletableFuture<AnalysisResponse> serve(String what, String kind, String requester,
      Supplier<CompletableFuture<AnalysisResponse>> work, BiConsumer<AnalysisResponse, Long> answered,
      BiConsumer<Status, Long> rejected, StreamObserver<T> observer, Function<AnalysisResponse, T> last) {
    long start = System.nanoTime();
    // The researcher's call's context (over HTTP one that is never cancelled): cancelled when they leave.
    Context call = Context.current();
    try {
      CompletableFuture<AnalysisResponse> running = work.get();
      running.whenComplete((response, failure) -> {
        if (failure == null && call.isCancelled()) {
          // The researcher left while the last round ended (the node calls, cancelled with the researcher's call's
          // context before any handler hears of it, may have ended it): no one gets this response, so it is kept
          // as the cancellation it is.
          cancelled(what, kind, new CancellationException(), rejected, start);
        } else if (failure == null) {
          try {
            meters.auditWrite(() -> answered.accept(response, (System.nanoTime() - start) / 1000));
          } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "coordinator audit log write failed; request " + response.getRequestId()
                + " not answered", e);
            meters.finished(kind, Status.Code.UNAVAILABLE, start);
            observer.onError(Status.UNAVAILABLE.withDescription("the coordinator cannot write its audit log, so "
                + "it answers no request").asRuntimeException());
            return;
          }
          meters.finished(kind, Status.Code.OK, start);
          meters.fanOut(response.getSitesCount());
          LOG.info(() -> "request " + response.getRequestId() + " (" + what + "): "
              + response.getSitesList().stream().map(s -> s.getNodeId() + " " + s.getStatus())
                  .collect(Collectors.joining(", "))
              + (response.getRounds() > 1 ? "; " + response.getRounds() + " rounds, session "
                  + response.getSessionId() : "")
              + "; " + response.getPooledNote());
          observer.onNext(last.apply(response));
          observer.onCompleted();
        } else if (failure instanceof CancellationException cancelled) {
          cancelled(what, kind, cancelled, rejected, start);
        } else {
          fail(what, kind, failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure,
              rejected, observer, start);
        }
      });
      return running;
    } catch (RuntimeException e) {
      fail(what, kind, e, rejected, observer, start);
      return CompletableFuture.failedFuture(e);
    }
  }

  /**
   * A request that ended because it was cancelled: the nodes may have worked (and audited) already, so the
   * coordinator's log keeps the request too; whoever cancelled has gone, so no one is answered.
   */
  private void cancelled(String what, String kind, CancellationException cancelled, BiConsumer<Status, Long> rejected,
      long start) {
    Status status = cancelled instanceof WaitExpired
        ? Status.DEADLINE_EXCEEDED.withDescription(WaitExpired.DESCRIPTION)
        : Status.CANCELLED.withDescription("the request was cancelled before its answer: the researcher left or "
            + "the coordinator is stopping");
    LOG.info(() -> what + " ended: " + status.getCode() + " " + status.getDescription());
    audit(rejected, status, start);
    meters.finished(kind, status.getCode(), start);
  }

  private void fail(String what, String kind, Throwable failure, BiConsumer<Status, Long> rejected,
      StreamObserver<?> responses,
      long start) {
    Status status;
    if (failure instanceof RequestRejected e) {
      LOG.info(() -> what + " rejected: " + e.status().getCode() + " " + e.status().getDescription());
      status = e.status();
    } else {
      LOG.log(Level.SEVERE, "analysis failed", failure);
      status = Status.INTERNAL.withDescription("the coordinator could not run the analysis: "
          + failure.getClass().getSimpleName());
    }
    audit(rejected, status, start);
    meters.finished(kind, status.getCode(), start);
    responses.onError(status.asRuntimeException());
  }

  /** Records a request that was not answered; a failed write is logged, as the request is refused anyway. */
  private void audit(BiConsumer<Status, Long> rejected, Status status, long start) {
    try {
      meters.auditWrite(() -> rejected.accept(status, (System.nanoTime() - start) / 1000));
    } catch (RuntimeException e) {
      LOG.log(Level.SEVERE, "coordinator audit log write failed", e);
    }
  }

  private static String kind(AnalysisRequest request) {
    return request.getAnalysis().getKindCase().name().toLowerCase(Locale.ROOT);
  }
}
