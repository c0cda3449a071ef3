package org.fedstats.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.fedstats.common.grpc.ParseGuard;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.StartupException;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeServiceGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A node started over Netty and one started on a transport the caller gives are wired the same: unreadable requests
 * get INVALID_ARGUMENT from the parse guard, the health service answers SERVING, the caller's address reaches the
 * audit log, and a message over the inbound limit is refused without stopping the node.
 */
class NodeServerWiringTest {
  @TempDir
  Path tmp;

  /**
   * How a test reaches the node it started, and the status a request over the inbound limit gets: gRPC's limit
   * answers RESOURCE_EXHAUSTED over Netty; the in-process transport hands messages over without that check, so the
   * node's own smaller limit answers.
   */
  enum Transport {
    NETTY(Status.Code.RESOURCE_EXHAUSTED) {
      @Override
      Started start(NodeSettings settings) throws Exception {
        NodeServer server = NodeServer.start(settings, new SimpleMeterRegistry());
        return new Started(server,
            NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build());
      }
    },
    IN_PROCESS(Status.Code.INVALID_ARGUMENT) {
      @Override
      Started start(NodeSettings settings) throws Exception {
        String name = InProcessServerBuilder.generateName();
        NodeServer server = NodeServer.start(settings, new SimpleMeterRegistry(),
            InProcessServerBuilder.forName(name));
        return new Started(server, InProcessChannelBuilder.forName(name).build());
      }
    };

    final Status.Code oversized;

    Transport(Status.Code oversized) {
      this.oversized = oversized;
    }

    abstract Started start(NodeSettings settings) throws Exception;
  }

  record Started(NodeServer server, ManagedChannel channel) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      server.close();
    }
  }

  private static NodeAnalysisRequest count() {
    return NodeAnalysisRequest.newBuilder().setRequestId("r1").setRequester("alice").setDataset("colon")
        .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build();
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void bothEntriesGuardParseReportHealthRecordThePeerAndLimitMessages(Transport transport) throws Exception {
    NodeSettings settings = SharedData.node(tmp, "site1", SharedData.colonDataset(1, "count", ""));
    try (Started node = transport.start(settings)) {
      // A length-delimited field that claims 127 bytes and has one: not a valid message.
      assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(node.channel(),
          ParseGuard.withRawRequests(NodeServiceGrpc.getRunAnalysisMethod()),
          CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[] {0x0A, 0x7F, 0x01}))
          .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription())
                .contains("not a valid fedstats.v1.NodeAnalysisRequest message");
          });

      HealthCheckResponse health = HealthGrpc.newBlockingStub(node.channel())
          .withDeadlineAfter(10, TimeUnit.SECONDS).check(HealthCheckRequest.getDefaultInstance());
      assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);

      NodeServiceGrpc.NodeServiceBlockingStub stub = NodeServiceGrpc.newBlockingStub(node.channel())
          .withDeadlineAfter(10, TimeUnit.SECONDS);
      assertThat(stub.runAnalysis(count()).getResult().getCount().getCount()).isEqualTo(309);
      String peer = new ObjectMapper().readTree(Files.readAllLines(settings.auditLog()).getLast()).get("peer")
          .asText();
      assertThat(peer).as("the caller's address, from the peer interceptor").isNotEmpty().isNotEqualTo("unknown");

      NodeAnalysisRequest huge = count().toBuilder().setRequestId("x".repeat(NodeServer.MAX_INBOUND_BYTES)).build();
      assertThatThrownBy(() -> stub.runAnalysis(huge))
          .isInstanceOfSatisfying(StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(transport.oversized));
      assertThat(stub.runAnalysis(count()).getResult().getCount().getCount()).isEqualTo(309);
    }
  }

  @Test
  void aTransportThatCannotStartIsAStartupException() throws Exception {
    String name = InProcessServerBuilder.generateName();
    NodeSettings first = SharedData.node(tmp.resolve("first"), "site1", SharedData.colonDataset(1, "count", ""));
    NodeSettings second = SharedData.node(tmp.resolve("second"), "site2", SharedData.colonDataset(2, "count", ""));
    try (NodeServer running = NodeServer.start(first, new SimpleMeterRegistry(),
        InProcessServerBuilder.forName(name))) {
      assertThatThrownBy(() -> NodeServer.start(second, new SimpleMeterRegistry(),
          InProcessServerBuilder.forName(name)))
          .isInstanceOfSatisfying(StartupException.class, e -> assertThat(e.problems()).singleElement().asString()
              .startsWith("node site2 cannot start serving: "));
      // The node that holds the name keeps serving.
      ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
      try {
        assertThat(HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
            .check(HealthCheckRequest.getDefaultInstance()).getStatus())
            .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
