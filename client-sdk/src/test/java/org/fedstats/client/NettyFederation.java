package org.fedstats.client;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.node.NodeServer;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.FederationServiceGrpc;

/** A coordinator and three nodes over real gRPC/Netty on 127.0.0.1, on ports chosen at run time. */
final class NettyFederation implements AutoCloseable {
  final List<NodeServer> nodes = new ArrayList<>();
  private final List<NodeSettings> settings = new ArrayList<>();
  final Coordinator coordinator;
  private ManagedChannel channel;

  /** {@code datasets.apply(site)} gives the YAML of the datasets node site{1,2,3} holds. */
  NettyFederation(Path workDir, IntFunction<String> datasets) throws Exception {
    List<CoordinatorConfig.NodeEntry> entries = new ArrayList<>();
    try {
      for (int site = 1; site <= 3; site++) {
        NodeServer node = NodeServer.start(SharedData.node(workDir, "site" + site, datasets.apply(site)),
            new SimpleMeterRegistry());
        nodes.add(node);
        settings.add(SharedData.node(workDir, "site" + site, datasets.apply(site))
            .withListen("127.0.0.1", node.port()));
        entries.add(new CoordinatorConfig.NodeEntry("site" + site, "127.0.0.1:" + node.port()));
      }
      coordinator = Coordinator.start(CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 10_000L,
          60_000L, entries)), new SimpleMeterRegistry());
    } catch (Exception e) {
      close();
      throw e;
    }
  }

  /** Starts node {@code index} (0-based) again on the port it had, after it was closed; returns when it listens. */
  NodeServer restart(int index) throws Exception {
    NodeServer node = NodeServer.start(settings.get(index), new SimpleMeterRegistry());
    nodes.set(index, node);
    return node;
  }

  String address() {
    return "127.0.0.1:" + coordinator.port();
  }

  /** A blocking stub of the coordinator's researcher service, over one plaintext channel closed with this. */
  synchronized FederationServiceGrpc.FederationServiceBlockingStub researcher() {
    if (channel == null) {
      channel = NettyChannelBuilder.forTarget(address()).usePlaintext().build();
    }
    return FederationServiceGrpc.newBlockingStub(channel);
  }

  @Override
  public void close() throws IOException, SQLException {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (coordinator != null) {
      coordinator.close();
    }
    for (NodeServer n : nodes) {
      n.close();
    }
  }
}
