package org.fedstats.node.link;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;
import org.fedstats.node.config.OutboundLink;
import org.fedstats.node.gate.NodeGate;
import org.fedstats.pki.tls.HandshakeFailures;
import org.fedstats.proto.v1.CoordinatorToNode;
import org.fedstats.proto.v1.LinkHeartbeat;
import org.fedstats.proto.v1.NodeLinkGrpc;
import org.fedstats.proto.v1.NodeToCoordinator;

/**
 * An outbound node's link to its coordinator: it dials out and keeps one bidirectional stream open, over which the
 * coordinator's steps arrive ({@link StepHandler}). Its first message is the node's status (identity, version,
 * datasets, data versions and policy hashes). When the stream ends or stays silent for three heartbeat intervals,
 * the steps still running are cancelled and the node dials again after a {@link Backoff}; nothing it had received is
 * run again. The node opens no listening socket for any of this.
 */
public final class CoordinatorLink implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CoordinatorLink.class.getName());
  /** Heartbeats until the coordinator says how often it wants them. */
  static final Duration INITIAL_HEARTBEAT = Duration.ofSeconds(3);

  private final OutboundLink settings;
  private final NodeGate gate;
  private final Executor workers;
  private final ManagedChannel channel;
  private final Supplier<String> peer;
  private final Backoff backoff;
  private final ScheduledExecutorService timers;
  private final AtomicInteger links = new AtomicInteger();
  private volatile Stream current;
  private volatile boolean closed;

  /**
   * A link over {@code channel} (dialled lazily) running steps through {@code gate} on {@code workers}; {@code peer}
   * names the coordinator in the audit log (its verified certificate over mutual TLS).
   */
  public CoordinatorLink(OutboundLink settings, NodeGate gate, Executor workers, ManagedChannel channel,
      Supplier<String> peer, RandomGenerator random) {
    this.settings = settings;
    this.gate = gate;
    this.workers = workers;
    this.channel = channel;
    this.peer = peer;
    this.backoff = new Backoff(settings.reconnectMin(), settings.reconnectMax(), random);
    this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "node-" + gate.info().getNodeId() + "-link");
      t.setDaemon(true);
      return t;
    });
  }

  /** Dials the coordinator now, and again whenever the link drops, until closed. */
  public void start() {
    timers.execute(this::dial);
  }

  /** Whether the coordinator has accepted the current stream. */
  public boolean connected() {
    Stream s = current;
    return s != null && s.accepted && !s.ended;
  }

  /** How many streams the coordinator has accepted since start. */
  public int links() {
    return links.get();
  }

  private void dial() {
    if (closed) {
      return;
    }
    channel.resetConnectBackoff();
    Stream stream = new Stream();
    current = stream;
    stream.requests = NodeLinkGrpc.newStub(channel).connect(stream);
    stream.send(NodeToCoordinator.newBuilder().setStatus(gate.info()).build());
  }

  /** One stream: what the coordinator sends arrives here; what the node sends goes through {@link #send}. */
  private final class Stream implements StreamObserver<CoordinatorToNode> {
    private final StepHandler steps = new StepHandler(gate, workers, this::send, peer);
    private StreamObserver<NodeToCoordinator> requests;
    private volatile long lastHeard = System.nanoTime();
    private volatile boolean accepted;
    private volatile boolean ended;
    private volatile ScheduledFuture<?> heartbeats;

    void send(NodeToCoordinator message) {
      synchronized (this) {
        if (ended) {
          return;
        }
        try {
          requests.onNext(message);
        } catch (RuntimeException e) {
          // The stream is closing; onError follows.
        }
      }
    }

    @Override
    public void onNext(CoordinatorToNode message) {
      lastHeard = System.nanoTime();
      if (message.hasAccepted()) {
        accepted = true;
        backoff.reset();
        links.incrementAndGet();
        long interval = Math.max(1, message.getAccepted().getHeartbeatIntervalMs());
        heartbeats = timers.scheduleAtFixedRate(() -> beat(interval), interval, interval, TimeUnit.MILLISECONDS);
        LOG.info(() -> "node " + gate.info().getNodeId() + " linked to " + message.getAccepted().getCoordinator()
            + " at " + settings.address());
        return;
      }
      steps.onMessage(message);
    }

    /** Sends a heartbeat, or gives the stream up when the coordinator has been silent for three intervals. */
    private void beat(long intervalMs) {
      if (System.nanoTime() - lastHeard > TimeUnit.MILLISECONDS.toNanos(3 * intervalMs)) {
        synchronized (this) {
          if (!ended) {
            requests.onError(Status.UNAVAILABLE.withDescription("nothing heard from the coordinator for "
                + 3 * intervalMs + " ms").asRuntimeException());
          }
        }
        return;
      }
      send(NodeToCoordinator.newBuilder().setHeartbeat(LinkHeartbeat.newBuilder()
          .setSentEpochMs(System.currentTimeMillis())).build());
    }

    @Override
    public void onError(Throwable t) {
      Status status = Status.fromThrowable(t);
      String why = t.getCause() == null ? null
          : HandshakeFailures.explain(t.getCause(), "the coordinator").orElse(null);
      ended(why != null ? why : status.getCode() + (status.getDescription() == null ? ""
          : ": " + status.getDescription()));
    }

    @Override
    public void onCompleted() {
      ended("the coordinator closed the link");
    }

    private void ended(String why) {
      synchronized (this) {
        if (ended) {
          return;
        }
        ended = true;
      }
      ScheduledFuture<?> beats = heartbeats;
      if (beats != null) {
        beats.cancel(false);
      }
      steps.endAll();
      if (closed) {
        return;
      }
      Duration wait = backoff.next();
      LOG.warning(() -> "node " + gate.info().getNodeId() + ": link to the coordinator at " + settings.address()
          + (accepted ? " dropped: " : " failed: ") + why + "; dialling again in " + wait.toMillis() + " ms");
      try {
        timers.schedule(CoordinatorLink.this::dial, wait.toMillis(), TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        // Closed meanwhile.
      }
    }
  }

  /**
   * Stops taking steps (new ones are answered UNAVAILABLE) and waits up to {@code grace} for the steps running to
   * finish and their answers to be sent; the link stays open meanwhile and is not dialled again if it drops.
   * Returns whether every running step finished in time. {@link #close()} follows.
   */
  public boolean drain(Duration grace) {
    Stream s = current;
    if (s != null) {
      s.steps.drain();
    }
    closed = true;
    if (s == null) {
      return true;
    }
    long end = System.nanoTime() + grace.toNanos();
    while (!s.steps.idle() && !s.ended) {
      if (System.nanoTime() - end >= 0) {
        return false;
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return s.steps.idle();
  }

  /** Whether the link is draining or closed: it takes no new step. */
  boolean stopping() {
    return closed;
  }

  /** Closes the stream and stops dialling; the caller closes the channel. */
  @Override
  public void close() {
    closed = true;
    Stream s = current;
    if (s != null) {
      synchronized (s) {
        if (!s.ended) {
          try {
            s.requests.onCompleted();
          } catch (RuntimeException e) {
            // Already closing.
          }
        }
      }
    }
    timers.shutdownNow();
  }
}
