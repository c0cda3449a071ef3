package org.fedstats.node;

import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.service.PeerInterceptor;

/** A node served over gRPC/Netty at its configured address. */
public final class NodeServer implements AutoCloseable {
  /** gRPC's hard limit on an incoming message; the service itself checks a smaller one with a clear status. */
  public static final int MAX_INBOUND_BYTES = 1024 * 1024;

  private final Node node;
  private final Server server;

  private NodeServer(Node node, Server server) {
    this.node = node;
    this.server = server;
  }

  public static NodeServer start(NodeSettings settings, MeterRegistry meters) throws IOException, SQLException {
    Node node = Node.create(settings, meters);
    HealthStatusManager health = new HealthStatusManager();
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.port()))
        .maxInboundMessageSize(MAX_INBOUND_BYTES)
        .addService(ServerInterceptors.intercept(node.service(), new PeerInterceptor()))
        .addService(health.getHealthService())
        .build();
    try {
      server.start();
    } catch (IOException e) {
      node.close();
      throw new IOException("node " + settings.nodeId() + " cannot listen on " + settings.host() + ":"
          + settings.port() + ": " + e.getMessage(), e);
    }
    return new NodeServer(node, server);
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
    node.close();
  }
}
