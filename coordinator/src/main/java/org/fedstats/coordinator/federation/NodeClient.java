package org.fedstats.coordinator.federation;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fedstats.proto.v1.GetNodeInfoRequest;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeInfo;
import org.fedstats.proto.v1.NodeServiceGrpc;
import org.fedstats.proto.v1.NodeStatus;

/** The coordinator's connection to one node, with what it last learned of the node's health. */
public final class NodeClient implements AutoCloseable {
  private final String id;
  private final String address;
  private final ManagedChannel channel;
  private final NodeServiceGrpc.NodeServiceStub stub;
  private final Counter requests;
  private final Counter refusals;
  private final Counter errors;
  private final Timer latency;

  private volatile NodeInfo info;
  private volatile boolean reachable;
  private volatile double lastLatencyMs;
  private volatile long lastSeenEpochMs;
  private volatile String lastError = "";

  public NodeClient(String id, String address, ManagedChannel channel, MeterRegistry meters) {
    this.id = id;
    this.address = address;
    this.channel = channel;
    this.stub = NodeServiceGrpc.newStub(channel);
    this.requests = Counter.builder("fedstats.coordinator.node.requests").tag("node", id).register(meters);
    this.refusals = Counter.builder("fedstats.coordinator.node.refusals").tag("node", id).register(meters);
    this.errors = Counter.builder("fedstats.coordinator.node.errors").tag("node", id).register(meters);
    this.latency = Timer.builder("fedstats.coordinator.node.latency").tag("node", id).register(meters);
  }

  public String id() {
    return id;
  }

  /** The node's self-description, if it has ever answered. */
  public Optional<NodeInfo> info() {
    return Optional.ofNullable(info);
  }

  /** Asks the node who it is and what it holds; records reachability, latency and version. */
  public CompletableFuture<Void> refresh(Duration deadline) {
    long start = System.nanoTime();
    CompletableFuture<NodeInfo> call = new CompletableFuture<>();
    stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .getNodeInfo(GetNodeInfoRequest.getDefaultInstance(), completing(call));
    return call.handle((nodeInfo, failure) -> {
          if (failure == null) {
            if (!nodeInfo.getNodeId().equals(id)) {
              markDown("node at " + address + " reports id " + nodeInfo.getNodeId() + ", expected " + id);
            } else {
              info = nodeInfo;
              reachable = true;
              lastError = "";
              lastLatencyMs = (System.nanoTime() - start) / 1e6;
              lastSeenEpochMs = System.currentTimeMillis();
            }
          } else {
            markDown(Status.fromThrowable(failure).getCode() + ": " + Status.fromThrowable(failure).getDescription());
          }
          return null;
        });
  }

  private void markDown(String error) {
    reachable = false;
    lastError = error;
  }

  /** Sends one analysis to the node. Completes with the response or the failure; never throws. */
  public CompletableFuture<NodeAnalysisResponse> run(NodeAnalysisRequest request, Duration deadline) {
    requests.increment();
    long start = System.nanoTime();
    CompletableFuture<NodeAnalysisResponse> call = new CompletableFuture<>();
    stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).runAnalysis(request, completing(call));
    return call.whenComplete((response, failure) -> {
          long nanos = System.nanoTime() - start;
          latency.record(nanos, TimeUnit.NANOSECONDS);
          if (failure != null) {
            errors.increment();
            Status status = Status.fromThrowable(failure);
            if (status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.DEADLINE_EXCEEDED) {
              markDown(status.getCode() + ": " + status.getDescription());
            }
          } else {
            reachable = true;
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
        .setAddress(address)
        .setReachable(reachable)
        .setLastLatencyMs(lastLatencyMs)
        .setLastSeenEpochMs(lastSeenEpochMs)
        .setLastError(lastError)
        .setRequests((long) requests.count())
        .setRefusals((long) refusals.count())
        .setErrors((long) errors.count());
    NodeInfo known = info;
    if (known != null) {
      b.setVersion(known.getVersion());
      known.getDatasetsList().forEach(d -> b.addDatasets(d.getName()));
    }
    return b.build();
  }

  /** An observer of a unary call that completes {@code future} with its single response or its error. */
  private static <T> StreamObserver<T> completing(CompletableFuture<T> future) {
    return new StreamObserver<>() {
      @Override
      public void onNext(T value) {
        future.complete(value);
      }

      @Override
      public void onError(Throwable t) {
        future.completeExceptionally(t);
      }

      @Override
      public void onCompleted() {
        if (!future.isDone()) {
          future.completeExceptionally(Status.INTERNAL.withDescription("no response").asRuntimeException());
        }
      }
    };
  }

  @Override
  public void close() {
    channel.shutdown();
    try {
      if (!channel.awaitTermination(2, TimeUnit.SECONDS)) {
        channel.shutdownNow();
      }
    } catch (InterruptedException e) {
      channel.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
