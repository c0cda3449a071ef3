package org.fedstats.node;

import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptors;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Function;
import org.fedstats.common.HostPort;
import org.fedstats.common.grpc.Probes;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.StartupException;
import org.fedstats.pki.PkiException;
import org.fedstats.pki.Role;
import org.fedstats.pki.tls.FederationTls;
import org.fedstats.pki.tls.PeerIdentityInterceptor;
import org.fedstats.pki.tls.TlsConfig;

/** A node served over gRPC: over Netty at its configured address, or over a transport the caller gives. */
public final class NodeServer implements AutoCloseable {
  /** gRPC's hard limit on an incoming message; the service itself checks a smaller one with a clear status. */
  public static final int MAX_INBOUND_BYTES = 1024 * 1024;

  private final Node node;
  private final Server server;
  private final ExecutorService workers;
  private final Probes probes;
  private final Duration grace;

  private NodeServer(Node node, Server server, ExecutorService workers, Probes probes, Duration grace) {
    this.node = node;
    this.server = server;
    this.workers = workers;
    this.probes = probes;
    this.grace = grace;
  }

  /**
   * Starts a node over Netty at its configured address, with the connection limits of its settings, over mutual TLS
   * taking calls (to its service and to the gRPC health service) from the coordinator's role only if the settings
   * have TLS files (plaintext, with a warning, if not);
   * every problem that stops it (data, audit log, address, TLS files) is a {@link StartupException}.
   */
  public static NodeServer start(NodeSettings settings, MeterRegistry meters)
      throws StartupException, IOException, SQLException {
    NettyServerBuilder transport = NettyServerBuilder.forAddress(
        new InetSocketAddress(settings.host(), settings.port()));
    // Idle and dead connections are closed, and one connection cannot take every worker.
    settings.server().applyTo(transport);
    TlsConfig.logTransport("node " + settings.nodeId(), settings.tls());
    Optional<PeerIdentityInterceptor> identities = Optional.empty();
    if (settings.tls().isPresent()) {
      try {
        FederationTls tls = FederationTls.load(settings.tls().get());
        transport.sslContext(tls.serverContext());
        identities = Optional.of(tls.interceptor(Set.of(Role.COORDINATOR)));
      } catch (PkiException e) {
        throw new StartupException("node " + settings.nodeId() + " cannot set up mutual TLS: " + e.getMessage(), e);
      }
    }
    HostPort address = new HostPort(settings.host(), settings.port());
    return start(settings, meters, transport, identities, e -> "cannot listen on " + address + ": "
        + (HostPort.inUse(e) ? "the address is already in use (another node or program listens there)"
            : String.valueOf(e.getMessage())));
  }

  /**
   * Starts a node on {@code transport} (tests pass an in-process builder), wired as over Netty: the bounded worker
   * pool, the inbound message limit, the node's guarded service, health and reflection. Connection limits are the
   * transport's own business.
   */
  public static NodeServer start(NodeSettings settings, MeterRegistry meters, ServerBuilder<?> transport)
      throws StartupException, IOException, SQLException {
    return start(settings, meters, transport, Optional.empty(), e -> "cannot start serving: " + e.getMessage());
  }

  private static NodeServer start(NodeSettings settings, MeterRegistry meters, ServerBuilder<?> transport,
      Optional<PeerIdentityInterceptor> identities, Function<IOException, String> cannotStart) throws StartupException, IOException, SQLException {
    Node node = Node.create(settings, meters);
    Probes probes = new Probes();
    ExecutorService workers = Node.workers(settings.nodeId());
    Server server = null;
    try {
      transport
          .executor(workers)
          .maxInboundMessageSize(MAX_INBOUND_BYTES)
          .addService(identities.map(node::serviceDefinition).orElseGet(node::serviceDefinition));
      // Under mutual TLS health and reflection, too, answer the coordinator's role only.
      probes.addTo(transport, identities);
      server = transport.build();
      server.start();
    } catch (IOException | RuntimeException e) {
      if (server != null) {
        server.shutdownNow();
      }
      workers.shutdownNow();
      node.close();
      if (e instanceof IOException io) {
        throw new StartupException("node " + settings.nodeId() + " " + cannotStart.apply(io), io);
      }
      throw e;
    }
    return new NodeServer(node, server, workers, probes, settings.operations().shutdownGrace());
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

  /**
   * Stops serving: health turns NOT_SERVING, new calls are refused (UNAVAILABLE), and calls in flight get the
   * configured {@code shutdown-grace-ms} to finish (less if the closing thread is interrupted).
   */
  @Override
  public void close() throws IOException, SQLException {
    probes.stopping();
    try {
      Probes.drain(server, grace);
    } finally {
      workers.shutdownNow();
      node.close();
    }
  }
}
