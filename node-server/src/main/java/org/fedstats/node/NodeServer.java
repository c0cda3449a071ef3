package org.fedstats.node;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.fedstats.node.config.NodeSettings;

/** A node served over gRPC/Netty at its configured address. */
public final class NodeServer implements AutoCloseable {
  /** gRPC's hard limit on an incoming message; the service itself checks a smaller one with a clear status. */
  public static final int MAX_INBOUND_BYTES = 1024 * 1024;

  private final Node node;
  private final Server server;
  private final ExecutorService workers;

  private NodeServer(Node node, Server server, ExecutorService workers) {
    this.node = node;
    this.server = server;
    this.workers = workers;
  }

  public static NodeServer start(NodeSettings settings, MeterRegistry meters) throws IOException, SQLException {
    Node node = Node.create(settings, meters);
    HealthStatusManager health = new HealthStatusManager();
    // A bounded pool: a flood of requests queues instead of opening unbounded database connections.
    ExecutorService workers = Executors.newFixedThreadPool(Math.max(2, 2 * Runtime.getRuntime().availableProcessors()),
        r -> {
          Thread t = new Thread(r, "node-" + settings.nodeId() + "-worker");
          t.setDaemon(true);
          return t;
        });
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.port()))
        .executor(workers)
        .maxInboundMessageSize(MAX_INBOUND_BYTES)
        .addService(node.serviceDefinition())
        .addService(health.getHealthService())
        .build();
    try {
      server.start();
    } catch (IOException e) {
      workers.shutdownNow();
      node.close();
      throw new IOException("node " + settings.nodeId() + " cannot listen on " + settings.host() + ":"
          + settings.port() + ": " + e.getMessage(), e);
    }
    return new NodeServer(node, server, workers);
  }

  public int port() {
    return server.getPort();
  }

  public Node node() {
    return node;
  }

  public void awaitTermination() throws InterruptedException {
    server.awaitTermination();
  }

  @Override
  public void close() throws IOException, SQLException, InterruptedException {
    server.shutdown();
    if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
      server.shutdownNow();
    }
    workers.shutdownNow();
    node.close();
  }
}
