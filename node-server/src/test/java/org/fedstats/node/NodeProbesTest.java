package org.fedstats.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.fedstats.common.testing.Probing;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An inbound node's gRPC port serves the standard health service and server reflection, as grpcurl asks them. */
class NodeProbesTest {
  @TempDir
  Path tmp;

  @Test
  void theNodePortAnswersHealthAndListsItsServices() throws Exception {
    NodeSettings settings = SharedData.node(tmp, "site1", SharedData.colonDataset(1, "count", ""));
    try (NodeServer server = NodeServer.start(settings, new SimpleMeterRegistry())) {
      ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
      try {
        assertThat(Probing.health(channel)).isEqualTo(ServingStatus.SERVING);
        assertThat(Probing.services(channel)).containsExactlyInAnyOrder("fedstats.v1.NodeService",
            "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }
}
