package org.fedstats.node;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.OutboundLink;
import org.fedstats.node.config.StartupException;
import org.fedstats.node.link.CoordinatorLink;
import org.fedstats.pki.PkiException;
import org.fedstats.pki.Role;
import org.fedstats.pki.tls.FederationTls;
import org.fedstats.pki.tls.PeerIdentity;

/**
 * A node in outbound mode: it dials its coordinator and answers over the one stream it keeps open
 * ({@link CoordinatorLink}); it creates no server and listens on no port. Over mutual TLS it trusts only the
 * federation CA and only a server whose certificate has the coordinator role and the configured name.
 */
public final class OutboundNode implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(OutboundNode.class.getName());

  private final Node node;
  private final ManagedChannel channel;
  private final ExecutorService workers;
  private final CoordinatorLink link;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private final Duration grace;

  private OutboundNode(Node node, ManagedChannel channel, ExecutorService workers, CoordinatorLink link,
      Duration grace) {
    this.node = node;
    this.channel = channel;
    this.workers = workers;
    this.link = link;
    this.grace = grace;
  }

  /** Starts the node and its link; every problem that stops it (data, audit log, TLS files) is a StartupException. */
  public static OutboundNode start(NodeSettings settings, MeterRegistry meters) throws StartupException, SQLException {
    OutboundLink coordinator = settings.coordinator().orElseThrow(() -> new IllegalArgumentException(
        "node " + settings.nodeId() + " has no coordinator to dial"));
    NettyChannelBuilder dial = NettyChannelBuilder.forAddress(coordinator.address().host(),
        coordinator.address().port());
    Supplier<String> peer;
    if (settings.tls().isPresent()) {
      try {
        FederationTls.Pinned pinned = FederationTls.load(settings.tls().get())
            .pinnedClientContext(Role.COORDINATOR, coordinator.name());
        dial.sslContext(pinned.context());
        peer = () -> pinned.accepted().map(PeerIdentity::describe).orElse(coordinator.name()) + " at "
            + coordinator.address();
      } catch (PkiException e) {
        throw new StartupException("node " + settings.nodeId() + " cannot set up mutual TLS: " + e.getMessage(), e);
      }
      LOG.info(() -> "node " + settings.nodeId() + " dials its coordinator " + coordinator.address()
          + " over mutual TLS and listens on no port");
    } else {
      dial.usePlaintext();
      peer = () -> "coordinator at " + coordinator.address() + " (plaintext link)";
      LOG.warning(() -> "node " + settings.nodeId() + " dials its coordinator " + coordinator.address()
          + " over PLAINTEXT gRPC, without mutual TLS: anyone on the path can read the traffic or pose as the "
          + "coordinator (configure 'tls': see 'Federation PKI' in deploy/README.md)");
    }
    Node node = Node.create(settings, meters);
    ExecutorService workers = Node.workers(settings.nodeId());
    ManagedChannel channel = dial.maxInboundMessageSize(NodeServer.MAX_INBOUND_BYTES).build();
    CoordinatorLink link = new CoordinatorLink(coordinator, node.gate(), workers, channel, peer, new Random());
    link.start();
    return new OutboundNode(node, channel, workers, link, settings.operations().shutdownGrace());
  }

  public Node node() {
    return node;
  }

  public CoordinatorLink link() {
    return link;
  }

  /** Returns when the node is closed. */
  public void awaitTermination() throws InterruptedException {
    stopped.await();
  }

  /**
   * Stops taking steps, lets those running finish and send their answers (up to {@code shutdown-grace-ms}), then
   * closes the link (steps still running then are cancelled) and the node.
   */
  @Override
  public void close() throws IOException, SQLException {
    try {
      link.drain(grace);
      link.close();
      channel.shutdownNow();
      try {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      workers.shutdown();
      try {
        workers.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      workers.shutdownNow();
    } finally {
      try {
        node.close();
      } finally {
        stopped.countDown();
      }
    }
  }
}
