package org.fedstats.client;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.FederatedDataset;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.ListDatasetsRequest;
import org.fedstats.proto.v1.ListNodesRequest;
import org.fedstats.proto.v1.NodeStatus;

/**
 * A researcher's connection to a federation's coordinator.
 * <pre>{@code
 * try (FederationClient client = FederationClient.connect("127.0.0.1:50060")) {
 *   Result<Summary> age = client.dataset("colon").where(Filters.eq("sex", 0)).summary("age");
 *   age.pooled().ifPresent(s -> System.out.println(s.mean()));
 * }
 * }</pre>
 */
public final class FederationClient implements AutoCloseable {
  private static final Metadata.Key<String> USER = Metadata.Key.of("fedstats-user", Metadata.ASCII_STRING_MARSHALLER);

  private final ManagedChannel owned;
  private final FederationServiceGrpc.FederationServiceBlockingStub stub;
  private final Duration timeout;

  private FederationClient(ManagedChannel owned, Channel channel, String user, Duration timeout) {
    this.owned = owned;
    this.stub = FederationServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, userHeader(user)));
    this.timeout = timeout;
  }

  /** Connects over plaintext gRPC to a coordinator at host:port, as the current OS user. */
  public static FederationClient connect(String address) {
    return connect(address, System.getProperty("user.name", "anonymous"), Duration.ofSeconds(60));
  }

  public static FederationClient connect(String address, String user, Duration timeout) {
    ManagedChannel channel = NettyChannelBuilder.forTarget(address).usePlaintext().build();
    return new FederationClient(channel, channel, user, timeout);
  }

  /** Uses a channel the caller owns and closes (for example an in-process channel in tests). */
  public static FederationClient over(Channel channel, String user) {
    return new FederationClient(null, channel, user, Duration.ofSeconds(60));
  }

  public List<NodeStatus> nodes() {
    return call(() -> stub().listNodes(ListNodesRequest.getDefaultInstance()).getNodesList());
  }

  public List<FederatedDataset> datasets() {
    return call(() -> stub().listDatasets(ListDatasetsRequest.getDefaultInstance()).getDatasetsList());
  }

  /** Starts a query on a dataset. */
  public Query dataset(String name) {
    return new Query(this, name, null, false, List.of());
  }

  AnalysisResponse run(AnalysisRequest request) {
    return call(() -> stub().runAnalysis(request));
  }

  private FederationServiceGrpc.FederationServiceBlockingStub stub() {
    return stub.withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private static <T> T call(java.util.function.Supplier<T> rpc) {
    try {
      return rpc.get();
    } catch (StatusRuntimeException e) {
      throw FedstatsException.from(e);
    }
  }

  private static ClientInterceptor userHeader(String user) {
    return new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void start(Listener<R> listener, Metadata headers) {
            headers.put(USER, user.replaceAll("[^\\x20-\\x7e]", "?"));
            super.start(listener, headers);
          }
        };
      }
    };
  }

  @Override
  public void close() {
    if (owned != null) {
      owned.shutdown();
      try {
        if (!owned.awaitTermination(2, TimeUnit.SECONDS)) {
          owned.shutdownNow();
        }
      } catch (InterruptedException e) {
        owned.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
  }
}
