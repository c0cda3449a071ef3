package org.fedstats.node.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.fedstats.common.HostPort;
import org.fedstats.node.audit.AuditLog;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.OutboundLink;
import org.fedstats.node.gate.AnalysisEngine;
import org.fedstats.node.gate.NodeGate;
import org.fedstats.node.overlap.OverlapAuditor;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.CoordinatorToNode;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.LinkAccepted;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeLinkGrpc;
import org.fedstats.proto.v1.NodeToCoordinator;
import org.fedstats.proto.v1.Step;
import org.fedstats.proto.v1.StepAnswer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outbound node that is stopping finishes the step it is running and sends its answer before it closes its link,
 * and answers a step that arrives meanwhile UNAVAILABLE instead of starting it.
 */
class CoordinatorLinkDrainTest {
  private static final NodeAnalysisRequest COUNT = NodeAnalysisRequest.newBuilder().setRequestId("r1")
      .setRequester("alice").setDataset("colon")
      .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build();

  @TempDir
  Path tmp;

  @Test
  void aStepInFlightIsAnsweredAndANewOneRefusedWhileTheLinkDrains() throws Exception {
    NodeSettings settings = SharedData.node(tmp, "site1", SharedData.colonDataset(1, "count", ""));
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    BlockingQueue<StepAnswer> answers = new LinkedBlockingQueue<>();
    CompletableFuture<StreamObserver<CoordinatorToNode>> toNode = new CompletableFuture<>();
    String name = InProcessServerBuilder.generateName();
    // A coordinator that accepts the link and records the answers.
    Server coordinator = InProcessServerBuilder.forName(name).addService(new NodeLinkGrpc.NodeLinkImplBase() {
      @Override
      public StreamObserver<NodeToCoordinator> connect(StreamObserver<CoordinatorToNode> node) {
        return new StreamObserver<>() {
          @Override
          public void onNext(NodeToCoordinator message) {
            if (message.hasStatus()) {
              node.onNext(CoordinatorToNode.newBuilder().setAccepted(LinkAccepted.newBuilder()
                  .setHeartbeatIntervalMs(60_000).setCoordinator("coordinator")).build());
              toNode.complete(node);
            } else if (message.hasAnswer()) {
              answers.add(message.getAnswer());
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {
            node.onCompleted();
          }
        };
      }
    }).build().start();
    ExecutorService workers = Executors.newFixedThreadPool(2);
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    try (DatasetStore store = DatasetStore.open(settings.datasets());
        AuditLog audit = AuditLog.open(settings.auditLog());
        OverlapAuditor auditor = OverlapAuditor.open(settings.stateDir(), settings.datasets(), store::version)) {
      AnalysisEngine engine = new AnalysisEngine(settings, store);
      NodeGate gate = new NodeGate(settings, (request, cancellation) -> {
        running.countDown();
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return engine.run(request, cancellation);
      }, audit, auditor, new SimpleMeterRegistry());
      CoordinatorLink link = new CoordinatorLink(OutboundLink.to(new HostPort("127.0.0.1", 1)), gate, workers,
          channel, () -> "coordinator", new Random(1));
      link.start();
      StreamObserver<CoordinatorToNode> node = toNode.get(30, TimeUnit.SECONDS);
      node.onNext(CoordinatorToNode.newBuilder().setStep(Step.newBuilder().setStepId(1).setDeadlineMs(60_000)
          .setAnalysis(COUNT)).build());
      assertThat(running.await(30, TimeUnit.SECONDS)).as("step 1 runs").isTrue();

      CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> link.drain(Duration.ofSeconds(60)));
      // Once draining, a new step is refused at once, while step 1 still runs.
      long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!link.stopping()) {
        assertThat(System.nanoTime() - limit).as("the link drains").isNegative();
        Thread.sleep(5);
      }
      node.onNext(CoordinatorToNode.newBuilder().setStep(Step.newBuilder().setStepId(2).setDeadlineMs(60_000)
          .setAnalysis(COUNT)).build());
      StepAnswer refused = answers.poll(30, TimeUnit.SECONDS);
      assertThat(refused).isNotNull();
      assertThat(refused.getStepId()).isEqualTo(2);
      assertThat(refused.getError().getCode()).isEqualTo("UNAVAILABLE");
      assertThat(refused.getError().getMessage()).isEqualTo("node site1 is shutting down");
      assertThat(drained).isNotDone();

      release.countDown();
      assertThat(drained.get(60, TimeUnit.SECONDS)).as("every step finished in time").isTrue();
      StepAnswer first = answers.poll(30, TimeUnit.SECONDS);
      assertThat(first).isNotNull();
      assertThat(first.getStepId()).isEqualTo(1);
      assertThat(first.getResponse().getResult().getCount().getCount()).isPositive();
      link.close();
    } finally {
      release.countDown();
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      coordinator.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      workers.shutdownNow();
    }
  }
}
