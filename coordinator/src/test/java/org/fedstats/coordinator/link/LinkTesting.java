package org.fedstats.coordinator.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.proto.v1.CoordinatorToNode;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.NodeInfo;
import org.fedstats.proto.v1.NodeLinkGrpc;
import org.fedstats.proto.v1.NodeStatus;
import org.fedstats.proto.v1.NodeToCoordinator;
import org.fedstats.proto.v1.Step;
import org.fedstats.proto.v1.StepAnswer;

/** Test support for node links: waiting with a bound, a hand-driven node, and this process's listening sockets. */
final class LinkTesting {
  private LinkTesting() {}

  /** Waits until {@code condition} holds, at most {@code limit}; returns how long it took. */
  static Duration await(BooleanSupplier condition, Duration limit, String what) throws InterruptedException {
    long start = System.nanoTime();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - start > limit.toNanos()) {
        throw new AssertionError("not within " + limit.toMillis() + " ms: " + what);
      }
      Thread.sleep(5);
    }
    return Duration.ofNanos(System.nanoTime() - start);
  }

  static NodeStatus status(Coordinator coordinator, String node) {
    return coordinator.federation().listNodes().getNodesList().stream().filter(n -> n.getNodeId().equals(node))
        .findFirst().orElseThrow();
  }

  static boolean up(Coordinator coordinator, String node) {
    return status(coordinator, node).getReachable();
  }

  /**
   * The TCP sockets this process listens on (IPv4 and IPv6): the socket inodes among its open files that the
   * kernel's tables list in state LISTEN (0A).
   */
  static Set<String> listeningSockets() {
    Set<String> mine = new HashSet<>();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            mine.add(target.substring(8, target.length() - 1));
          }
        } catch (IOException e) {
          // closed meanwhile
        }
      }
      Set<String> listening = new HashSet<>();
      for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
        Path file = Path.of(table);
        if (!Files.exists(file)) {
          continue;
        }
        for (String line : Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
          String[] f = line.trim().split("\\s+");
          if (f.length > 9 && f[3].equals("0A") && mine.contains(f[9])) {
            listening.add(table + ":" + f[1]);
          }
        }
      }
      return listening;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A node driven by the test over a real stream: it sends the status it is given, records the steps it gets and
   * answers only when told to, so steps can be kept in flight, the stream dropped or left silent.
   */
  static final class HandNode implements AutoCloseable {
    final ManagedChannel channel;
    final BlockingQueue<Step> steps = new LinkedBlockingQueue<>();
    final CompletableFuture<Status> ended = new CompletableFuture<>();
    final CompletableFuture<Void> accepted = new CompletableFuture<>();
    private final StreamObserver<NodeToCoordinator> out;

    HandNode(int port, SslContext tls, NodeInfo status) {
      NettyChannelBuilder b = NettyChannelBuilder.forAddress("127.0.0.1", port);
      channel = (tls == null ? b.usePlaintext() : b.sslContext(tls)).build();
      out = NodeLinkGrpc.newStub(channel).connect(new StreamObserver<>() {
        @Override
        public void onNext(CoordinatorToNode m) {
          if (m.hasAccepted()) {
            accepted.complete(null);
          } else if (m.hasStep()) {
            steps.add(m.getStep());
          }
        }

        @Override
        public void onError(Throwable t) {
          ended.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
          ended.complete(Status.OK);
        }
      });
      send(NodeToCoordinator.newBuilder().setStatus(status).build());
    }

    synchronized void send(NodeToCoordinator m) {
      out.onNext(m);
    }

    void answer(StepAnswer a) {
      send(NodeToCoordinator.newBuilder().setAnswer(a).build());
    }

    /** Drops the stream from the node's side, as a network failure would. */
    void drop() {
      synchronized (this) {
        out.onError(Status.UNAVAILABLE.withDescription("test drops the link").asRuntimeException());
      }
    }

    Step nextStep(Duration limit) throws InterruptedException {
      Step s = steps.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(s).as("a step within %s ms", limit.toMillis()).isNotNull();
      return s;
    }

    @Override
    public void close() throws InterruptedException {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** A node's status naming {@code id} and holding {@code datasets} (declared without variables). */
  static NodeInfo statusOf(String id, String... datasets) {
    NodeInfo.Builder b = NodeInfo.newBuilder().setNodeId(id).setVersion("test");
    for (String d : datasets) {
      b.addDatasets(DatasetInfo.newBuilder().setName(d).addAnalyses("count"));
    }
    return b.build();
  }
}
