package org.fedstats.coordinator.testing;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import org.fedstats.coordinator.federation.NodeClient;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Predicate;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.GetNodeInfoRequest;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeInfo;
import org.fedstats.proto.v1.NodeServiceGrpc;
import org.fedstats.proto.v1.Refusal;
import org.fedstats.proto.v1.VariableInfo;

/**
 * A node under the test's control on in-process transport: it declares colon (rx categorical, age integer, time
 * numeric) and answers analyses with whatever {@link #answers} gives, or never ({@code null}, or a function that
 * gives {@code null}), refuses those {@link #refuses} matches, answers {@link #delayMs} late if set, records the
 * requests it was sent, and can fail its health checks.
 */
public final class FakeNode implements AutoCloseable {
  public static final DatasetInfo COLON = DatasetInfo.newBuilder().setName("colon")
      .addVariables(VariableInfo.newBuilder().setName("rx").setType(VariableInfo.Type.CATEGORICAL)
          .addLevels("Obs").addLevels("Lev").addLevels("Lev+5FU"))
      .addVariables(VariableInfo.newBuilder().setName("age").setType(VariableInfo.Type.INTEGER))
      .addVariables(VariableInfo.newBuilder().setName("time").setType(VariableInfo.Type.NUMERIC))
      .addAnalyses("count").addAnalyses("summary").addAnalyses("table").addAnalyses("histogram")
      .build();

  /** What a node refuses with when {@link #refuses} says so. */
  public static final Refusal REFUSAL = Refusal.newBuilder().setRule("min-cell-count").setThreshold(5)
      .setReason("a cell of the result is below 5").build();

  public final String id;
  public final String name = "fake-node-" + System.nanoTime() + "-" + Math.random();
  public final AtomicReference<Function<NodeAnalysisRequest, AnalysisResult>> answers = new AtomicReference<>();
  public volatile boolean healthy = true;
  public final AtomicInteger analyses = new AtomicInteger();
  public final List<NodeAnalysisRequest> requests = new CopyOnWriteArrayList<>();
  public final AtomicReference<Predicate<NodeAnalysisRequest>> refuses = new AtomicReference<>(r -> false);
  public volatile long delayMs;
  private final Server server;

  public FakeNode(String id) throws IOException {
    this.id = id;
    server = InProcessServerBuilder.forName(name).directExecutor().addService(new NodeServiceGrpc.NodeServiceImplBase() {
      @Override
      public void getNodeInfo(GetNodeInfoRequest request, StreamObserver<NodeInfo> responses) {
        if (!healthy) {
          responses.onError(Status.UNAVAILABLE.withDescription("not now").asRuntimeException());
          return;
        }
        responses.onNext(NodeInfo.newBuilder().setNodeId(id).setVersion("test").addDatasets(COLON).build());
        responses.onCompleted();
      }

      @Override
      public void runAnalysis(NodeAnalysisRequest request, StreamObserver<NodeAnalysisResponse> responses) {
        analyses.incrementAndGet();
        requests.add(request);
        NodeAnalysisResponse.Builder response = NodeAnalysisResponse.newBuilder().setNodeId(id);
        if (refuses.get().test(request)) {
          response.setRefusal(REFUSAL);
        } else {
          Function<NodeAnalysisRequest, AnalysisResult> answer = answers.get();
          AnalysisResult result = answer == null ? null : answer.apply(request);
          if (result == null) {
            return; // hangs until the deadline
          }
          response.setResult(result);
        }
        Runnable respond = () -> {
          responses.onNext(response.build());
          responses.onCompleted();
        };
        if (delayMs > 0) {
          CompletableFuture.delayedExecutor(delayMs, TimeUnit.MILLISECONDS).execute(respond);
        } else {
          respond.run();
        }
      }
    }).build().start();
  }

  public NodeClient client(MeterRegistry meters) {
    return new NodeClient(id, name, InProcessChannelBuilder.forName(name).build(), meters);
  }

  @Override
  public void close() {
    server.shutdownNow();
  }
}
