package org.fedstats.coordinator.link;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.fedstats.common.Text;
import org.fedstats.coordinator.federation.NodeClient;
import org.fedstats.pki.Role;
import org.fedstats.pki.tls.PeerIdentity;
import org.fedstats.proto.v1.CoordinatorToNode;
import org.fedstats.proto.v1.LinkAccepted;
import org.fedstats.proto.v1.LinkHeartbeat;
import org.fedstats.proto.v1.NodeInfo;
import org.fedstats.proto.v1.NodeToCoordinator;

/**
 * The coordinator's side of its outbound nodes' links: which stream each node is reached over, who may open one,
 * and how a dead one is found.
 *
 * <p>A stream's first message is the node's status; it is taken if the node id is one of the configured outbound
 * nodes and, over mutual TLS, the certificate has the node role and that very name (a node cannot pose as another).
 * A node is up as soon as its status is taken. A second stream for the same node replaces the first (after the same
 * checks): a restarted node must not wait for the coordinator to notice that its old connection is dead; the old
 * stream's steps in flight fail. Heartbeats go both ways every third of the keep-alive; a stream from which nothing
 * arrived for nine tenths of the keep-alive (looked at every tenth, so it is found within the keep-alive) is taken
 * as dead: it is closed, its steps fail, the node is down.
 */
public final class NodeLinks implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(NodeLinks.class.getName());

  private final Map<String, OutboundTransport> transports = new LinkedHashMap<>();
  private final Map<String, NodeClient> clients = new LinkedHashMap<>();
  private final Duration keepalive;
  private final String coordinatorName;
  private final ScheduledExecutorService timers;
  private long lastBeat = System.nanoTime();

  /** Links for the outbound nodes {@code ids}; {@link #client} is called for each once its client exists. */
  public NodeLinks(List<String> ids, Duration keepalive, String coordinatorName) {
    this.keepalive = keepalive;
    this.coordinatorName = coordinatorName;
    ids.forEach(id -> transports.put(id, new OutboundTransport(id)));
    this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "node-links");
      t.setDaemon(true);
      return t;
    });
    long check = Math.max(1, keepalive.toMillis() / 10);
    timers.scheduleWithFixedDelay(this::watch, check, check, TimeUnit.MILLISECONDS);
  }

  /** The transport of outbound node {@code id}. */
  public OutboundTransport transport(String id) {
    OutboundTransport t = transports.get(id);
    if (t == null) {
      throw new IllegalArgumentException("node " + id + " is not an outbound node");
    }
    return t;
  }

  /** Registers the health of outbound node {@code client.id()}, which a taken or lost stream updates. */
  public void client(NodeClient client) {
    transport(client.id());
    synchronized (clients) {
      clients.put(client.id(), client);
    }
  }

  private Optional<NodeClient> clientOf(String id) {
    synchronized (clients) {
      return Optional.ofNullable(clients.get(id));
    }
  }

  /**
   * A node opened a stream from {@code remote}, with {@code identity} verified by mutual TLS (empty over plaintext);
   * {@code out} is what goes to the node. Returns what to do with the node's messages.
   */
  public StreamObserver<NodeToCoordinator> open(StreamObserver<CoordinatorToNode> out, Optional<PeerIdentity> identity,
      String remote) {
    LinkSession session = new LinkSession(remote, out, timers);
    return new StreamObserver<>() {
      @Override
      public void onNext(NodeToCoordinator message) {
        session.heard();
        if (session.isEnded()) {
          return;
        }
        if (session.nodeId() == null) {
          if (!message.hasStatus()) {
            session.close(Status.FAILED_PRECONDITION.withDescription(
                "a node's first message on its link is its status"));
            return;
          }
          take(session, message.getStatus(), identity);
          return;
        }
        switch (message.getMessageCase()) {
          case STATUS -> clientOf(session.nodeId()).ifPresent(c -> c.linked(message.getStatus()));
          case ANSWER -> session.answer(message.getAnswer());
          default -> { } // a heartbeat: heard
        }
      }

      @Override
      public void onError(Throwable t) {
        lost(session, "the stream failed: " + Status.fromThrowable(t).getCode() + describe(Status.fromThrowable(t)));
      }

      @Override
      public void onCompleted() {
        lost(session, "the node closed its link");
        synchronized (out) {
          try {
            out.onCompleted();
          } catch (RuntimeException e) {
            // Already closed.
          }
        }
      }
    };
  }

  private static String describe(Status s) {
    return s.getDescription() == null ? "" : " (" + s.getDescription() + ")";
  }

  /** Takes {@code session} for the node its status names, if it may have one; else closes it saying why. */
  private void take(LinkSession session, NodeInfo status, Optional<PeerIdentity> identity) {
    String id = status.getNodeId();
    OutboundTransport transport = transports.get(id);
    if (transport == null) {
      LOG.warning(() -> "refused a link from " + session.remote() + ": node '" + Text.echo(id)
          + "' is not an outbound node of this federation");
      session.close(Status.PERMISSION_DENIED.withDescription("node '" + Text.echo(id) + "' is not an outbound node of "
          + "this federation (the coordinator's configuration lists outbound nodes by id, without an address)"));
      return;
    }
    if (identity.isPresent() && (identity.get().role() != Role.NODE || !identity.get().commonName().equals(id))) {
      LOG.warning(() -> "refused a link from " + session.remote() + " claiming node " + id + " with the certificate of "
          + identity.get().describe());
      session.close(Status.PERMISSION_DENIED.withDescription("peer-identity: the link claims node " + id
          + " but its certificate is " + identity.get().describe()));
      return;
    }
    session.accepted(id);
    LinkSession replaced = transport.attach(session);
    if (replaced != null) {
      replaced.close(Status.ABORTED.withDescription("replaced by a newer link of node " + id + " from "
          + session.remote()));
    }
    session.write(CoordinatorToNode.newBuilder().setAccepted(LinkAccepted.newBuilder()
        .setHeartbeatIntervalMs(heartbeat().toMillis()).setCoordinator(coordinatorName)).build());
    clientOf(id).ifPresent(c -> c.linked(status));
    LOG.info(() -> "node " + id + " linked from " + session.remote()
        + identity.map(i -> " as " + i.describe()).orElse(" over plaintext")
        + (replaced == null ? "" : ", replacing its link from " + replaced.remote()));
  }

  /** How often each side sends a heartbeat when it has nothing else to send. */
  Duration heartbeat() {
    return Duration.ofMillis(Math.max(1, keepalive.toMillis() / 3));
  }

  private void lost(LinkSession session, String why) {
    session.end(why);
    String id = session.nodeId();
    if (id != null && transports.get(id).detach(session, why)) {
      clientOf(id).ifPresent(c -> c.unlinked("link closed: " + why));
      LOG.info(() -> "node " + id + " unlinked: " + why);
    }
  }

  /** Closes the streams that have been silent too long and sends heartbeats on the others when due. */
  private void watch() {
    boolean beat = System.nanoTime() - lastBeat >= heartbeat().toNanos();
    if (beat) {
      lastBeat = System.nanoTime();
    }
    for (OutboundTransport t : transports.values()) {
      LinkSession s = t.current();
      if (s == null) {
        continue;
      }
      if (s.silence().compareTo(keepalive.multipliedBy(9).dividedBy(10)) > 0) {
        String why = "nothing heard from the node for " + keepalive.toMillis() + " ms (node-link-keepalive-ms)";
        s.close(Status.UNAVAILABLE.withDescription(why));
        lost(s, why);
      } else if (beat) {
        s.write(CoordinatorToNode.newBuilder().setHeartbeat(LinkHeartbeat.newBuilder()
            .setSentEpochMs(System.currentTimeMillis())).build());
      }
    }
  }

  @Override
  public void close() {
    timers.shutdownNow();
    transports.values().forEach(OutboundTransport::close);
  }
}
