package org.fedstats.coordinator.federation;

import io.grpc.ManagedChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.fedstats.proto.v1.FetchReleaseRequest;
import org.fedstats.proto.v1.GetNodeInfoRequest;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeInfo;
import org.fedstats.proto.v1.NodeServiceGrpc;

/** An inbound node: the coordinator dials it at its address and calls its NodeService. */
public final class ChannelTransport implements NodeTransport {
  private final String address;
  private final ManagedChannel channel;
  private final NodeServiceGrpc.NodeServiceStub stub;

  public ChannelTransport(String address, ManagedChannel channel) {
    this.address = address;
    this.channel = channel;
    this.stub = NodeServiceGrpc.newStub(channel);
  }

  @Override
  public String link() {
    return "inbound";
  }

  @Override
  public String address() {
    return address;
  }

  @Override
  public CompletableFuture<NodeInfo> info(Duration deadline) {
    CompletableFuture<NodeInfo> call = new CompletableFuture<>();
    stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
        .getNodeInfo(GetNodeInfoRequest.getDefaultInstance(), UnaryAnswer.completing(call));
    return call;
  }

  @Override
  public CompletableFuture<NodeAnalysisResponse> run(NodeAnalysisRequest request, Duration deadline) {
    CompletableFuture<NodeAnalysisResponse> call = new CompletableFuture<>();
    stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).runAnalysis(request, UnaryAnswer.completing(call));
    return call;
  }

  @Override
  public CompletableFuture<NodeAnalysisResponse> fetch(FetchReleaseRequest request, Duration deadline) {
    CompletableFuture<NodeAnalysisResponse> call = new CompletableFuture<>();
    stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).fetchRelease(request, UnaryAnswer.completing(call));
    return call;
  }

  /** Reconnects at once rather than after the channel's back-off, so a node rejoins as soon as it listens again. */
  @Override
  public void wake() {
    channel.resetConnectBackoff();
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
