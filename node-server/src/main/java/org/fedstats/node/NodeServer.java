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
import org.fedstats.common.HostPort;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.common.grpc.ServerLimits;
import org.fedstats.node.config.StartupException;

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

  /** Starts a node; every problem that stops it (data, audit log, address) is a {@link StartupException}. */
  public static NodeServer start(NodeSettings settings, MeterRegistry meters)
      throws StartupException, IOException, SQLException {
    Node node = Node.create(settings, meters);
    HealthStatusManager health = new HealthStatusManager();
    // A bounded pool: a flood of requests queues instead of opening unbounded database connections.
    ExecutorService workers = Executors.newFixedThreadPool(Math.max(2, 2 * Runtime.getRuntime().availableProcessors()),
        r -> {
          Thread t = new Thread(r, "node-" + settings.nodeId() + "-worker");
          t.setDaemon(true);
          return t;
        });
    ServerLimits limits = settings.server();
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.port()))
        .executor(workers)
        .maxInboundMessageSize(MAX_INBOUND_BYTES)
        .addService(node.serviceDefinition())
        .addService(health.getHealthService());
    // Idle and dead connections are closed, and one connection cannot take every worker.
    limits.applyTo(builder);
    Server server = builder.build();
    try {
      server.start();
    } catch (IOException e) {
      server.shutdownNow();
      workers.shutdownNow();
      node.close();
      HostPort address = new HostPort(settings.host(), settings.port());
      throw new StartupException("node " + settings.nodeId() + " cannot listen on " + address + ": "
          + (HostPort.inUse(e) ? "the address is already in use (another node or program listens there)"
              : String.valueOf(e.getMessage())), e);
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

  /** Stops serving: calls in flight get up to 5 s to finish (less if the closing thread is interrupted). */
  @Override
  public void close() throws IOException, SQLException {
    server.shutdown();
    try {
      if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
        server.shutdownNow();
      }
    } catch (InterruptedException e) {
      server.shutdownNow();
      Thread.currentThread().interrupt();
    } finally {
      workers.shutdownNow();
      node.close();
    }
  }
}
