package org.fedstats.client.testing;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.fedstats.proto.v1.AnalysisEvent;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.FederationServiceGrpc;

/**
 * A stand-in coordinator over Netty on loopback that answers each analysis request with what a function of the
 * request gives; {@code stream} serves RunAnalysisStream (unset: the RPC is unimplemented, as on an older
 * coordinator).
 */
public final class FakeCoordinator implements AutoCloseable {
  private final Server server;

  public FakeCoordinator(Function<AnalysisRequest, AnalysisResponse> unary) throws IOException {
    this(unary, null);
  }

  public FakeCoordinator(Function<AnalysisRequest, AnalysisResponse> unary,
      BiConsumer<AnalysisRequest, StreamObserver<AnalysisEvent>> stream) throws IOException {
    server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new FederationServiceGrpc.FederationServiceImplBase() {
          @Override
          public void runAnalysis(AnalysisRequest request, StreamObserver<AnalysisResponse> response) {
            response.onNext(unary.apply(request));
            response.onCompleted();
          }

          @Override
          public void runAnalysisStream(AnalysisRequest request, StreamObserver<AnalysisEvent> events) {
            if (stream == null) {
              super.runAnalysisStream(request, events);
            } else {
              stream.accept(request, events);
            }
          }
        }).build().start();
  }

  public String address() {
    return "127.0.0.1:" + server.getPort();
  }

  @Override
  public void close() {
    try {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
