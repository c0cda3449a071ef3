package org.fedstats.coordinator.testing;

import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.MeterRegistry;
import org.fedstats.coordinator.federation.NodeClient;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.GetNodeInfoRequest;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeInfo;
import org.fedstats.proto.v1.NodeServiceGrpc;
import org.fedstats.proto.v1.VariableInfo;

/**
 * A node under the test's control on in-process transport: it declares colon (rx categorical, age integer, time
 * numeric) and answers analyses with whatever {@link #answers} gives, or never ({@code null}), and can fail its
 * health checks.
 */
public final class FakeNode implements AutoCloseable {
  public static final DatasetInfo COLON = DatasetInfo.newBuilder().setName("colon")
      .addVariables(VariableInfo.newBuilder().setName("rx").setType(VariableInfo.Type.CATEGORICAL)
          .addLevels("Obs").addLevels("Lev").addLevels("Lev+5FU"))
      .addVariables(VariableInfo.newBuilder().setName("age").setType(VariableInfo.Type.INTEGER))
      .addVariables(VariableInfo.newBuilder().setName("time").setType(VariableInfo.Type.NUMERIC))
      .addAnalyses("count").addAnalyses("summary").addAnalyses("table").addAnalyses("histogram")
      .build();

  public final String id;
  public final String name = "fake-node-" + System.nanoTime() + "-" + Math.random();
  public final AtomicReference<Function<NodeAnalysisRequest, AnalysisResult>> answers = new AtomicReference<>();
  public volatile boolean healthy = true;
  public final AtomicInteger analyses = new AtomicInteger();
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
        Function<NodeAnalysisRequest, AnalysisResult> answer = answers.get();
        if (answer == null) {
          return; // hangs until the deadline
        }
        responses.onNext(NodeAnalysisResponse.newBuilder().setNodeId(id).setResult(answer.apply(request)).build());
        responses.onCompleted();
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
