package org.fedstats.common.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.StreamObserver;

import java.io.IOException;

import org.fedstats.common.grpc.ParseGuard;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeAnalysisResponse;
import org.fedstats.proto.v1.NodeServiceGrpc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ParseGuardTest {
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void start() throws IOException {
    String name = InProcessServerBuilder.generateName();
    NodeServiceGrpc.NodeServiceImplBase echo = new NodeServiceGrpc.NodeServiceImplBase() {
      @Override
      public void runAnalysis(NodeAnalysisRequest request, StreamObserver<NodeAnalysisResponse> responses) {
        responses.onNext(NodeAnalysisResponse.newBuilder().setNodeId("echo:" + request.getDataset()).build());
        responses.onCompleted();
      }
    };
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(ParseGuard.guard(echo.bindService())).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void validRequestsReachTheService() {
    NodeAnalysisResponse r = NodeServiceGrpc.newBlockingStub(channel)
        .runAnalysis(NodeAnalysisRequest.newBuilder().setDataset("colon").build());
    assertThat(r.getNodeId()).isEqualTo("echo:colon");
  }

  @Test
  void bytesThatAreNotAMessageGetInvalidArgument() {
    assertThatThrownBy(() -> callWithBytes(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x01}))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).startsWith("the request is not a valid "
              + "fedstats.v1.NodeAnalysisRequest message");
        });
  }

  @Test
  void messagesNestedTooDeeplyGetInvalidArgumentAndTheServiceKeepsServing() {
    Filter f = Filter.newBuilder().setNot(Filter.getDefaultInstance()).build();
    for (int i = 0; i < 150; i++) {
      f = Filter.newBuilder().setNot(f).build();
    }
    byte[] deep = NodeAnalysisRequest.newBuilder().setDataset("colon").setFilter(f).build().toByteArray();
    assertThatThrownBy(() -> callWithBytes(deep))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription()).contains("too many levels of nesting");
        });
    validRequestsReachTheService();
  }

  private NodeAnalysisResponse callWithBytes(byte[] bytes) {
    MethodDescriptor<NodeAnalysisRequest, NodeAnalysisResponse> typed = NodeServiceGrpc.getRunAnalysisMethod();
    MethodDescriptor<byte[], NodeAnalysisResponse> raw =
        ParseGuard.withRawRequests(typed);
    return ClientCalls.blockingUnaryCall(channel, raw, CallOptions.DEFAULT, bytes);
  }
}
