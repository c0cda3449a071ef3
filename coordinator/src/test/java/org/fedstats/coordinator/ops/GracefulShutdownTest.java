package org.fedstats.coordinator.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.fedstats.common.HostPort;
import org.fedstats.common.ops.Operations;
import org.fedstats.common.testing.Probing;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.testing.FakeNode;
import org.fedstats.coordinator.testing.InProcessFederation;
import org.fedstats.coordinator.web.WebServer;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A stopping coordinator (what its shutdown hook does on SIGTERM) finishes the request in flight and refuses new
 * ones with UNAVAILABLE, over Netty.
 */
class GracefulShutdownTest {
  private static final AnalysisRequest COUNT = AnalysisRequest.newBuilder().setDataset("colon")
      .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build();

  @RegisterExtension
  final InProcessFederation sites = new InProcessFederation();

  /** A node that answers a count of 300 once {@code release} is counted down (or the test ends). */
  private FakeNode heldNode(CountDownLatch release) throws Exception {
    FakeNode node = sites.fake("site1");
    sites.add(release::countDown);
    node.answers.set(r -> {
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(300)).build();
    });
    return node;
  }

  @Test
  void aRequestInFlightIsAnsweredAndANewOneIsRefusedWhileStopping() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    FakeNode node = heldNode(release);
    InProcessFederation.Addresses nodes = InProcessFederation.Addresses.of(node);
    CoordinatorSettings settings = CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 60_000L, 60_000L,
        nodes.entries())).withOperations(new Operations(Optional.empty(), Duration.ofSeconds(60)));
    Coordinator coordinator = Coordinator.start(settings, new SimpleMeterRegistry(), nodes.channels());
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext().build();
    sites.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    CompletableFuture<Void> stopped = null;
    try {
      ListenableFuture<AnalysisResponse> inFlight = FederationServiceGrpc.newFutureStub(channel)
          .withDeadlineAfter(60, TimeUnit.SECONDS).runAnalysis(COUNT);
      await(() -> node.analyses.get() == 1, "the request reaches the node");

      stopped = CompletableFuture.runAsync(coordinator::close);
      // New calls are refused once the coordinator stops taking them (health says NOT_SERVING just before).
      await(() -> {
        try {
          Probing.health(channel);
          return false;
        } catch (StatusRuntimeException e) {
          return e.getStatus().getCode() == Status.Code.UNAVAILABLE;
        }
      }, "the coordinator refuses new calls");
      assertThatThrownBy(() -> FederationServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
          .runAnalysis(COUNT)).isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
      assertThat(inFlight).isNotDone();
      assertThat(stopped).isNotDone();

      release.countDown();
      assertThat(inFlight.get(60, TimeUnit.SECONDS).getPooled().getCount().getCount()).isEqualTo(300);
      stopped.get(60, TimeUnit.SECONDS);
      assertThat(node.analyses.get()).as("the refused request never reached the node").isEqualTo(1);
    } finally {
      release.countDown();
      if (stopped == null) {
        coordinator.close();
      }
    }
  }

  @Test
  void anHttpAnalysisInFlightIsAnsweredWhileTheWebPortStopsTakingConnections() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    FakeNode node = heldNode(release);
    InProcessFederation.Addresses nodes = InProcessFederation.Addresses.of(node);
    CoordinatorSettings settings = CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 60_000L, 60_000L,
        nodes.entries())).withOperations(new Operations(Optional.empty(), Duration.ofSeconds(60)))
        .withWebListen(Optional.of(new HostPort("127.0.0.1", 0)));
    Coordinator coordinator = Coordinator.start(settings, new SimpleMeterRegistry(), nodes.channels());
    HttpClient client = sites.add(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    String base = coordinator.webUrl().orElseThrow();
    CompletableFuture<Void> stopped = null;
    try {
      CompletableFuture<HttpResponse<String>> inFlight = client.sendAsync(HttpRequest.newBuilder(
          URI.create(base + "/api/v1/analyses")).timeout(Duration.ofSeconds(60))
          .header("Content-Type", "application/json").header(WebServer.USER_HEADER, "alice")
          .POST(HttpRequest.BodyPublishers.ofString("{\"dataset\": \"colon\", \"analysis\": {\"count\": {}}}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      await(() -> node.analyses.get() == 1, "the request reaches the node");

      stopped = CompletableFuture.runAsync(coordinator::close);
      // The web port stops taking connections at once.
      await(() -> {
        try (HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
          fresh.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/nodes")).timeout(Duration.ofSeconds(5))
              .build(), HttpResponse.BodyHandlers.discarding());
          return false;
        } catch (java.io.IOException e) {
          return true;
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
      }, "the web port refuses new connections");
      assertThat(inFlight).isNotDone();
      assertThat(stopped).isNotDone();

      release.countDown();
      HttpResponse<String> answer = inFlight.get(60, TimeUnit.SECONDS);
      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).contains("300");
      stopped.get(60, TimeUnit.SECONDS);
    } finally {
      release.countDown();
      if (stopped == null) {
        coordinator.close();
      }
    }
  }

  private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - limit > 0) {
        throw new AssertionError("not within 30 s: " + what);
      }
      Thread.sleep(10);
    }
  }
}
