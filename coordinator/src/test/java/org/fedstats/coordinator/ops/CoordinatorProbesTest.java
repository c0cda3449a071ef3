package org.fedstats.coordinator.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.fedstats.common.testing.Probing;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.junit.jupiter.api.Test;

/**
 * Both of a coordinator's gRPC ports, the researchers' and the one outbound nodes dial ({@code node-listen}), serve
 * the standard health service and server reflection over Netty, as grpcurl and Kubernetes probes ask them.
 */
class CoordinatorProbesTest {
  @Test
  void theResearcherPortAndTheNodePortAnswerHealthAndListTheirServices() throws Exception {
    CoordinatorSettings settings = CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 5_000L, 60_000L,
        null, 200L, null, null, null, null, List.of(new CoordinatorConfig.NodeEntry("site1", null)), null, null,
        "127.0.0.1:0", null));
    try (Coordinator coordinator = Coordinator.start(settings, new SimpleMeterRegistry())) {
      for (int port : new int[] {coordinator.port(), coordinator.nodePort()}) {
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        try {
          assertThat(Probing.health(channel)).as("port " + port).isEqualTo(ServingStatus.SERVING);
          assertThat(Probing.services(channel)).as("port " + port).containsExactlyInAnyOrder(
              port == coordinator.port() ? "fedstats.v1.FederationService" : "fedstats.v1.NodeLink",
              "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
        } finally {
          channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
      }
    }
  }
}
