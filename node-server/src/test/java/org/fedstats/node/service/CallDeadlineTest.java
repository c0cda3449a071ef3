package org.fedstats.node.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.fedstats.node.gate.AnalysisEngine;
import org.fedstats.node.gate.AnalysisRunner;
import org.fedstats.node.gate.NodeGate;
import org.fedstats.node.audit.AuditLog;
import org.fedstats.node.overlap.OverlapAuditor;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.node.testing.LogCapture;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A request whose caller has gone (deadline passed, call cancelled) is neither answered nor audited as answered,
 * whether it went before the analysis started, while it ran, or because the node was paused.
 */
class CallDeadlineTest {
  private static final NodeAnalysisRequest COUNT = NodeAnalysisRequest.newBuilder().setRequestId("r1")
      .setRequester("alice").setDataset("colon")
      .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build();

  @TempDir
  Path tmp;

  private NodeSettings settings;
  private DatasetStore store;
  private AuditLog audit;
  private OverlapAuditor auditor;
  private AnalysisEngine engine;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @BeforeEach
  void open() throws Exception {
    settings = SharedData.node(tmp, "site1", SharedData.colonDataset(1, "count", ""));
    store = DatasetStore.open(settings.datasets());
    audit = AuditLog.open(settings.auditLog());
    auditor = OverlapAuditor.open(settings.stateDir(), settings.datasets(), store::version);
    engine = new AnalysisEngine(settings, store);
  }

  @AfterEach
  void close() throws Exception {
    scheduler.shutdownNow();
    if (audit != null) {
      audit.close();
    }
    if (auditor != null) {
      auditor.close();
    }
    if (store != null) {
      store.close();
    }
  }

  private NodeGrpcService service(AnalysisRunner runner) {
    return new NodeGrpcService(new NodeGate(settings, runner, audit, auditor, new SimpleMeterRegistry()));
  }

  private List<String> auditedOutcomes() throws Exception {
    ObjectMapper json = new ObjectMapper();
    return Files.readAllLines(settings.auditLog()).stream().map(line -> {
      try {
        return json.readTree(line).get("outcome").asText();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }).toList();
  }

  /** What the service sent back. */
  private static final class Reply implements StreamObserver<NodeAnalysisResponse> {
    final CompletableFuture<Object> result = new CompletableFuture<>();

    @Override
    public void onNext(NodeAnalysisResponse value) {
      result.complete(value);
    }

    @Override
    public void onError(Throwable t) {
      result.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {}

    Status status() throws Exception {
      Object r = result.get(10, TimeUnit.SECONDS);
      assertThat(r).isInstanceOf(Status.class);
      return (Status) r;
    }
  }

  @Test
  void aRequestWhoseDeadlineHasPassedIsNotRun() throws Exception {
    AtomicBoolean ran = new AtomicBoolean();
    NodeGrpcService service = service((request, cancellation) -> {
      ran.set(true);
      return engine.run(request, cancellation);
    });
    Reply reply = new Reply();
    try (Context.CancellableContext call = Context.current().withDeadline(
        Deadline.after(-1, TimeUnit.SECONDS), scheduler)) {
      call.run(() -> service.runAnalysis(COUNT, reply));
    }
    assertThat(reply.status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(reply.status().getDescription()).contains("deadline passed before node site1 had an answer");
    assertThat(ran).isFalse();
    assertThat(auditedOutcomes()).containsExactly("DEADLINE_EXCEEDED");
  }

  /** The node was paused (SIGSTOP) while it ran the analysis and resumed after the caller's deadline. */
  @Test
  void aDeadlinePassingWhileTheAnalysisRunsIsNotAuditedAsAnswered() throws Exception {
    AtomicLong now = new AtomicLong();
    Deadline.Ticker clock = new Deadline.Ticker() {
      @Override
      public long nanoTime() {
        return now.get();
      }
    };
    NodeGrpcService service = service((request, cancellation) -> {
      var outcome = engine.run(request, cancellation);
      now.addAndGet(TimeUnit.SECONDS.toNanos(60)); // paused for a minute
      return outcome;
    });
    Reply reply = new Reply();
    try (Context.CancellableContext call = Context.current().withDeadline(
        Deadline.after(30, TimeUnit.SECONDS, clock), scheduler)) {
      call.run(() -> service.runAnalysis(COUNT, reply));
    }
    assertThat(reply.status().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    assertThat(auditedOutcomes()).containsExactly("DEADLINE_EXCEEDED");

    // Without the pause the same request is answered.
    Reply answered = new Reply();
    try (Context.CancellableContext call = Context.current().withDeadline(
        Deadline.after(30, TimeUnit.SECONDS), scheduler)) {
      call.run(() -> service(engine).runAnalysis(COUNT, answered));
    }
    assertThat(answered.result.get(10, TimeUnit.SECONDS)).isInstanceOf(NodeAnalysisResponse.class);
    assertThat(auditedOutcomes()).containsExactly("DEADLINE_EXCEEDED", "ANSWERED");
  }

  @Test
  void cancellingTheCallCancelsTheRunningAnalysis() throws Exception {
    CountDownLatch running = new CountDownLatch(1);
    NodeGrpcService service = service((request, cancellation) -> {
      running.countDown();
      // A hung query: it ends only when cancelled (bounded, so a broken test cannot hang).
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!cancellation.isCancelled() && System.nanoTime() < until) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      throw new SQLException(cancellation.isCancelled() ? "INTERRUPT Error: Interrupted!" : "not cancelled");
    });
    Reply reply = new Reply();
    Context.CancellableContext call = Context.current().withCancellation();
    Thread worker = new Thread(() -> call.run(() -> service.runAnalysis(COUNT, reply)));
    try (LogCapture log = LogCapture.of(NodeGate.class)) {
      worker.start();
      assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
      call.cancel(null);
      assertThat(reply.status().getCode()).isEqualTo(Status.Code.CANCELLED);
      worker.join(10_000);
      assertThat(log.records()).isEmpty(); // a cancelled call is not a node failure
    }
    assertThat(auditedOutcomes()).containsExactly("CANCELLED");
  }
}
