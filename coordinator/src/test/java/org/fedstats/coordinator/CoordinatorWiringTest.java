package org.fedstats.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.fedstats.common.Contract;
import org.fedstats.common.grpc.ParseGuard;
import org.fedstats.coordinator.analysis.registry.Analyses;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.testing.InProcessFederation;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.ListNodesRequest;
import org.fedstats.proto.v1.NodeStatus;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A coordinator serving researchers over Netty and one on a transport the caller gives are wired the same: over real
 * nodes, an unreadable request gets INVALID_ARGUMENT from the parse guard, and the researcher's name reaches the
 * nodes' audit logs through the requester interceptor.
 */
class CoordinatorWiringTest {
  @TempDir
  Path tmp;

  @RegisterExtension
  final InProcessFederation sites = new InProcessFederation();

  /** How the researcher-facing service is served. */
  enum Transport {
    NETTY {
      @Override
      ManagedChannel start(InProcessFederation sites, InProcessFederation.Addresses nodes) throws Exception {
        CoordinatorSettings settings = CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 10_000L,
            60_000L, nodes.entries()));
        Coordinator c = sites.add(Coordinator.start(settings, new SimpleMeterRegistry(), nodes.channels()));
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", c.port()).usePlaintext().build();
        sites.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
        return channel;
      }
    },
    IN_PROCESS {
      @Override
      ManagedChannel start(InProcessFederation sites, InProcessFederation.Addresses nodes) throws Exception {
        return sites.coordinator(Duration.ofSeconds(10), CoordinatorSettings.DEFAULT_MAX_CONCURRENT_REQUESTS,
            Analyses.builtIn(), nodes).channel();
      }
    };

    /** Starts a coordinator of {@code nodes}; a researcher's channel to it. */
    abstract ManagedChannel start(InProcessFederation sites, InProcessFederation.Addresses nodes) throws Exception;
  }

  @ParameterizedTest
  @EnumSource(Transport.class)
  void bothEntriesGuardParsingAndPassTheRequesterOn(Transport transport) throws Exception {
    Map<String, String> nodes = new LinkedHashMap<>();
    Map<String, NodeSettings> settings = new LinkedHashMap<>();
    for (int i = 1; i <= 3; i++) {
      NodeSettings node = SharedData.node(tmp, "site" + i, SharedData.colonDataset(i, "count", ""));
      settings.put(node.nodeId(), node);
      nodes.put(node.nodeId(), sites.serve(node));
    }
    ManagedChannel channel = transport.start(sites, InProcessFederation.Addresses.of(nodes));

    assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel,
        ParseGuard.withRawRequests(FederationServiceGrpc.getRunAnalysisMethod()),
        CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS), new byte[] {0x0a, (byte) 0xff, 0x01, 0x02}))
        .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
          assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
          assertThat(e.getStatus().getDescription())
              .startsWith("the request is not a valid fedstats.v1.AnalysisRequest");
        });

    Metadata alice = new Metadata();
    alice.put(Contract.USER_HEADER, "alice");
    Channel asAlice = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(alice));
    FederationServiceGrpc.FederationServiceBlockingStub stub = FederationServiceGrpc.newBlockingStub(asAlice)
        .withDeadlineAfter(30, TimeUnit.SECONDS);
    assertThat(stub.listNodes(ListNodesRequest.getDefaultInstance()).getNodesList())
        .extracting(NodeStatus::getNodeId, NodeStatus::getReachable)
        .containsExactly(tuple("site1", true), tuple("site2", true), tuple("site3", true));
    assertThat(stub.runAnalysis(AnalysisRequest.newBuilder().setDataset("colon")
        .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build())
        .getPooled().getCount().getCount()).isEqualTo(929);
    ObjectMapper json = new ObjectMapper();
    for (NodeSettings node : settings.values()) {
      List<String> audit = Files.readAllLines(node.auditLog());
      assertThat(audit).as(node.nodeId()).hasSize(1);
      assertThat(json.readTree(audit.getFirst()).get("requester").asText()).as(node.nodeId()).startsWith("alice@");
    }
  }
}
