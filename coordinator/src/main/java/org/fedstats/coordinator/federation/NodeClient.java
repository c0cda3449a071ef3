package org.fedstats.coordinator.federation;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.fedstats.pki.tls.HandshakeFailures;
import org.fedstats.proto.v1.FetchReleaseRequest;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeInfo;
import org.fedstats.proto.v1.NodeStatus;

/**
 * The coordinator's connection to one node, with what it last learned of the node's health, and a circuit breaker:
 * once the node fails a health check or a call with UNAVAILABLE or DEADLINE_EXCEEDED it is <em>down</em>, and
 * requests do not wait for it (they fail at once, saying why) until a health probe succeeds again. How the node is
 * reached is its {@link NodeTransport}'s business: a channel the coordinator dials, or the stream an outbound node
 * opened; an outbound node is also up as soon as it reports its status over a new stream ({@link #linked}).
 */
public final class NodeClient implements AutoCloseable {
  /** What the coordinator knows of the node's health. */
  public enum Health { UNKNOWN, UP, DOWN }

  private final String id;
  private final NodeTransport transport;
  private final Counter requests;
  private final Counter refusals;
  private final Counter errors;
  private final Counter skipped;
  private final Timer latency;

  private volatile NodeInfo info;
  private volatile Health health = Health.UNKNOWN;
  private volatile Instant downSince;
  private volatile double lastLatencyMs;
  private volatile long lastSeenEpochMs;
  private volatile String lastError = "";

  /** An inbound node, dialled at {@code address} over {@code channel}. */
  public NodeClient(String id, String address, ManagedChannel channel, MeterRegistry meters) {
    this(id, new ChannelTransport(address, channel), meters);
  }

  public NodeClient(String id, NodeTransport transport, MeterRegistry meters) {
    this.id = id;
    this.transport = transport;
    this.requests = Counter.builder("fedstats.coordinator.node.requests").tag("node", id).register(meters);
    this.refusals = Counter.builder("fedstats.coordinator.node.refusals").tag("node", id).register(meters);
    this.errors = Counter.builder("fedstats.coordinator.node.errors").tag("node", id).register(meters);
    this.skipped = Counter.builder("fedstats.coordinator.node.skipped")
        .description("requests not sent because the node was down").tag("node", id).register(meters);
    this.latency = Timer.builder("fedstats.coordinator.node.latency").tag("node", id)
        .publishPercentileHistogram().register(meters);
    Gauge.builder("fedstats.coordinator.node.up", this, n -> n.health == Health.UP ? 1 : 0)
        .description("1 while the node is up, 0 while it is down or not heard from yet").tag("node", id)
        .register(meters);
  }

  public String id() {
    return id;
  }

  /** The node's self-description, if it has ever answered. */
  public Optional<NodeInfo> info() {
    return Optional.ofNullable(info);
  }

  public Health health() {
    return health;
  }

  /** Since when the node is down; empty while it is up or not heard from yet. */
  public Optional<Instant> downSince() {
    Instant since = downSince;
    return health == Health.DOWN ? Optional.ofNullable(since) : Optional.empty();
  }

  /**
   * Asks the node who it is and what it holds; records reachability, latency and version. A node that is down
   * is reconnected at once rather than after the channel's back-off, so it rejoins as soon as it listens again.
   */
  public CompletableFuture<Void> refresh(Duration deadline) {
    if (health != Health.UP) {
      transport.wake();
    }
    long start = System.nanoTime();
    return transport.info(deadline).handle((nodeInfo, failure) -> {
          if (failure == null) {
            observed(nodeInfo, (System.nanoTime() - start) / 1e6);
          } else {
            markDown(reason(Status.fromThrowable(failure), deadline));
          }
          return null;
        });
  }

  /**
   * An outbound node reported its status over a newly opened stream (its identity checked by the link): it is up at
   * once, without waiting for the next health probe.
   */
  public void linked(NodeInfo nodeInfo) {
    observed(nodeInfo, lastLatencyMs);
  }

  /** An outbound node's stream ended: it is down, for {@code why}, until it connects again. */
  public void unlinked(String why) {
    markDown(why);
  }

  private void observed(NodeInfo nodeInfo, double latencyMs) {
    if (!nodeInfo.getNodeId().equals(id)) {
      markDown("node at " + transport.address() + " reports id " + nodeInfo.getNodeId() + ", expected " + id);
      return;
    }
    info = nodeInfo;
    lastError = "";
    lastLatencyMs = latencyMs;
    lastSeenEpochMs = System.currentTimeMillis();
    downSince = null;
    health = Health.UP;
  }

  /**
   * Why a call failed, for the node list and logs: a missed deadline says how long the node had (gRPC's own text
   * lists its internal connection states), a failed TLS handshake which side refused and why, anything else gives
   * the status's description.
   */
  static String reason(Status status, Duration deadline) {
    Optional<String> tls = status.getCause() == null ? Optional.empty()
        : HandshakeFailures.explain(status.getCause(), "the node");
    if (tls.isPresent()) {
      return status.getCode() + ": " + tls.get();
    }
    if (status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
      return "DEADLINE_EXCEEDED: no answer within " + deadline.toMillis() + " ms";
    }
    return status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription());
  }

  /**
   * {@link #reason} for a failed research call, which the node list, the dashboard and other researchers' errors
   * show: the node's own description is left out, as it may quote the request (a formula, a filter).
   */
  static String callReason(Status status, Duration deadline) {
    boolean own = status.getCode() == Status.Code.DEADLINE_EXCEEDED
        || status.getCause() != null && HandshakeFailures.explain(status.getCause(), "the node").isPresent();
    return own ? reason(status, deadline) : status.getCode() + " on a research call";
  }

  private void markDown(String error) {
    lastError = error;
    if (health != Health.DOWN) {
      downSince = Instant.now();
      health = Health.DOWN;
    }
  }

  /**
   * Sends one analysis to the node. Completes with the response or the failure; never throws. While the node is
   * down the call is not made: it fails at once with UNAVAILABLE and the reason.
   */
  public CompletableFuture<NodeAnalysisResponse> run(NodeAnalysisRequest request, Duration deadline) {
    return call(deadline, () -> transport.run(request, deadline));
  }

  /**
   * Asks the node for an answer it held for its data steward's review, by its ticket; like {@link #run}, never
   * throws, and fails at once while the node is down.
   */
  public CompletableFuture<NodeAnalysisResponse> fetch(FetchReleaseRequest request, Duration deadline) {
    return call(deadline, () -> transport.fetch(request, deadline));
  }

  private CompletableFuture<NodeAnalysisResponse> call(Duration deadline,
      Supplier<CompletableFuture<NodeAnalysisResponse>> rpc) {
    if (health == Health.DOWN) {
      skipped.increment();
      return CompletableFuture.failedFuture(Status.UNAVAILABLE.withDescription("node " + id + " is down since "
          + downSince + " (" + lastError + "); not asked until a health probe succeeds").asRuntimeException());
    }
    requests.increment();
    long start = System.nanoTime();
    return rpc.get().whenComplete((response, failure) -> {
          long nanos = System.nanoTime() - start;
          latency.record(nanos, TimeUnit.NANOSECONDS);
          if (failure != null) {
            errors.increment();
            Status status = Status.fromThrowable(failure);
            if (status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
              markDown(callReason(status, deadline));
            }
          } else {
            lastSeenEpochMs = System.currentTimeMillis();
            lastLatencyMs = nanos / 1e6;
            if (response.hasRefusal()) {
              refusals.increment();
            }
          }
        });
  }

  public NodeStatus status() {
    NodeStatus.Builder b = NodeStatus.newBuilder()
        .setNodeId(id)
        .setAddress(transport.address())
        .setLink(transport.link())
        .setReachable(health == Health.UP)
        .setLastLatencyMs(lastLatencyMs)
        .setLastSeenEpochMs(lastSeenEpochMs)
        .setLastError(lastError)
        .setRequests((long) requests.count())
        .setRefusals((long) refusals.count())
        .setErrors((long) (errors.count() + skipped.count()));
    NodeInfo known = info;
    if (known != null) {
      b.setVersion(known.getVersion());
      known.getDatasetsList().forEach(d -> b.addDatasets(d.getName()));
      b.addAllDatasetStates(known.getDatasetStatesList());
    }
    return b.build();
  }

  @Override
  public void close() {
    transport.close();
  }
}
