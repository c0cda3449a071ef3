package org.fedstats.node;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ConnectivityState;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.common.grpc.ServerLimits;
import org.fedstats.node.config.StartupException;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.GetNodeInfoRequest;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeServiceGrpc;
import org.fedstats.proto.v1.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node over real Netty on loopback under concurrent load: every request answered and audited, one line each. */
class NodeServerTest {
  @Test
  void concurrentRequestsAreAllAnsweredAndAuditedWholeLines(@TempDir Path tmp) throws Exception {
    NodeSettings settings = SharedData.node(tmp, "site1", SharedData.colonDataset(1, SharedData.ALL, ""));
    int threads = 8;
    int perThread = 25;
    try (NodeServer server = NodeServer.start(settings, new SimpleMeterRegistry())) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        var stub = NodeServiceGrpc.newBlockingStub(channel);
        List<Future<List<String>>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          futures.add(pool.submit(() -> {
            List<String> outcomes = new ArrayList<>();
            for (int i = 0; i < perThread; i++) {
              // Three kinds of request in turn: answered, refused, rejected.
              double age = switch (i % 3) {
                case 0 -> 60;
                case 1 -> 31;
                default -> -1;
              };
              var request = NodeAnalysisRequest.newBuilder().setRequestId("r" + i).setDataset("colon")
                  .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()))
                  .setFilter(Filter.newBuilder().setComparison(Comparison.newBuilder()
                      .setVariable(age < 0 ? "no_such_variable" : "age").setOp(ComparisonOperator.LT)
                      .setValue(Value.newBuilder().setNumber(age))))
                  .build();
              try {
                var response = stub.withDeadlineAfter(30, TimeUnit.SECONDS).runAnalysis(request);
                outcomes.add(response.hasResult() ? "ANSWERED" : "REFUSED");
              } catch (StatusRuntimeException e) {
                outcomes.add(e.getStatus().getCode().name());
              }
            }
            return outcomes;
          }));
        }
        List<String> outcomes = new ArrayList<>();
        for (Future<List<String>> f : futures) {
          outcomes.addAll(f.get(120, TimeUnit.SECONDS));
        }
        Map<String, Long> seen = outcomes.stream().collect(Collectors.groupingBy(Function.identity(),
            Collectors.counting()));
        assertThat(seen).containsOnlyKeys("ANSWERED", "REFUSED", "INVALID_ARGUMENT");
        assertThat(outcomes).hasSize(threads * perThread);

        List<String> lines = Files.readAllLines(settings.auditLog());
        assertThat(lines).hasSize(threads * perThread);
        ObjectMapper json = new ObjectMapper();
        Map<String, Long> audited = new java.util.HashMap<>();
        for (String line : lines) {
          audited.merge(json.readTree(line).get("outcome").asText(), 1L, Long::sum);
        }
        assertThat(audited).isEqualTo(seen);
      } finally {
        pool.shutdownNow();
        channel.shutdownNow();
      }
    }
  }

  @Test
  void aTakenPortFailsFastWithOneLine(@TempDir Path tmp) throws Exception {
    NodeSettings settings = SharedData.node(tmp, "site1", SharedData.colonDataset(1, "count", ""));
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int port = taken.getLocalPort();
      long start = System.nanoTime();
      assertThatThrownBy(() -> NodeServer.start(settings.withListen("127.0.0.1", port), new SimpleMeterRegistry()))
          .isInstanceOfSatisfying(StartupException.class, e -> assertThat(e.problems()).containsExactly(
              "node site1 cannot listen on 127.0.0.1:" + port
                  + ": the address is already in use (another node or program listens there)"));
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(10));

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int status = NodeMain.run(new String[] {"--config", tmp.resolve("site1.yaml").toString(), "--port",
          String.valueOf(port)}, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
      assertThat(status).isEqualTo(NodeMain.CANNOT_START);
      assertThat(err.toString(UTF_8).lines().toList()).containsExactly("fedstats-node: node site1 cannot listen on "
          + "127.0.0.1:" + port + ": the address is already in use (another node or program listens there)");
      assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(20));
    }
  }

  private static ManagedChannel channel(NodeServer server) {
    return NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  /** Waits (at most 10 s) until the channel's state is {@code wanted}. */
  private static boolean awaitState(ManagedChannel channel, ConnectivityState wanted) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < until) {
      ConnectivityState now = channel.getState(false);
      if (now == wanted) {
        return true;
      }
      CountDownLatch changed = new CountDownLatch(1);
      channel.notifyWhenStateChanged(now, changed::countDown);
      changed.await(Math.max(1, until - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    return channel.getState(false) == wanted;
  }

  @Test
  void anIdleConnectionIsClosedAfterTheConfiguredIdleTime(@TempDir Path tmp) throws Exception {
    NodeSettings settings = SharedData.node(tmp, "site1", SharedData.colonDataset(1, "count", ""))
        .withServer(new ServerLimits(Duration.ofMillis(300), Duration.ofMinutes(5), Duration.ofSeconds(20),
            Duration.ofMinutes(1), 64, null));
    try (NodeServer server = NodeServer.start(settings, new SimpleMeterRegistry())) {
      ManagedChannel channel = channel(server);
      try {
        NodeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .getNodeInfo(GetNodeInfoRequest.getDefaultInstance());
        assertThat(channel.getState(false)).isEqualTo(ConnectivityState.READY);
        long connected = System.nanoTime();
        // The node closes the connection (GOAWAY); the client's own idle timeout is 30 minutes.
        assertThat(awaitState(channel, ConnectivityState.IDLE)).isTrue();
        assertThat(System.nanoTime() - connected).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(200));
        // The client reconnects for its next call.
        assertThat(NodeServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .getNodeInfo(GetNodeInfoRequest.getDefaultInstance()).getNodeId()).isEqualTo("site1");
      } finally {
        channel.shutdownNow();
      }
    }
  }

  @Test
  void oneConnectionHasAtMostTheConfiguredCallsOpen(@TempDir Path tmp) throws Exception {
    // Two long-lived calls (health watches stay open) take both slots of a connection limited to two calls: a third
    // call waits for a free slot; with three slots it is answered at once.
    assertThat(thirdCallWhileTwoAreOpen(tmp.resolve("two"), 2)).isNull();
    assertThat(thirdCallWhileTwoAreOpen(tmp.resolve("three"), 3)).isEqualTo("site1");
  }

  /** The node id a third call gets while two calls are open on the same connection, or null if it must wait. */
  private static String thirdCallWhileTwoAreOpen(Path tmp, int callsPerConnection) throws Exception {
    NodeSettings settings = SharedData.node(tmp, "site1", SharedData.colonDataset(1, "count", ""))
        .withServer(new ServerLimits(Duration.ofMinutes(5), Duration.ofMinutes(5), Duration.ofSeconds(20),
            Duration.ofMinutes(1), callsPerConnection, null));
    try (NodeServer server = NodeServer.start(settings, new SimpleMeterRegistry())) {
      ManagedChannel channel = channel(server);
      List<Context.CancellableContext> watches = new ArrayList<>();
      try {
        for (int i = 0; i < 2; i++) {
          CountDownLatch serving = new CountDownLatch(1);
          Context.CancellableContext watch = Context.current().withCancellation();
          watches.add(watch);
          watch.run(() -> HealthGrpc.newStub(channel).watch(HealthCheckRequest.getDefaultInstance(),
              new StreamObserver<HealthCheckResponse>() {
                @Override
                public void onNext(HealthCheckResponse value) {
                  serving.countDown();
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {}
              }));
          assertThat(serving.await(10, TimeUnit.SECONDS)).isTrue();
        }
        var third = NodeServiceGrpc.newFutureStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
            .getNodeInfo(GetNodeInfoRequest.getDefaultInstance());
        try {
          return third.get(callsPerConnection > 2 ? 10_000 : 1_000, TimeUnit.MILLISECONDS).getNodeId();
        } catch (TimeoutException e) {
          return null;
        }
      } finally {
        watches.forEach(w -> w.cancel(null));
        channel.shutdownNow();
      }
    }
  }
}
