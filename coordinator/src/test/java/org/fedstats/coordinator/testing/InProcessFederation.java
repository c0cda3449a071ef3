package org.fedstats.coordinator.testing;

import org.fedstats.node.testing.SharedData;
import java.util.function.IntFunction;
import java.nio.file.Path;
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.analysis.registry.Analyses;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.federation.Federation;
import org.fedstats.coordinator.federation.NodeClient;
import org.fedstats.node.NodeServer;
import org.fedstats.node.config.NodeSettings;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A federation on in-process transport: real nodes started through
 * {@link NodeServer#start(NodeSettings, MeterRegistry, io.grpc.ServerBuilder)} (so wired as in production: parse
 * guard, peer address, worker pool, health service), fake nodes, and a {@link Federation} or a whole
 * {@link Coordinator} over in-process channels to them. Registered with {@code @RegisterExtension}, it closes what it
 * started, and what a test {@link #add}s, after each test, the last first.
 */
public final class InProcessFederation implements AfterEachCallback, AutoCloseable {
  private final MeterRegistry meters = new SimpleMeterRegistry();
  private final Closer resources = new Closer();

  /** A coordinator started on in-process transport, and a researcher's channel to it. */
  public record Served(Coordinator coordinator, ManagedChannel channel) {
    public Served {
      Objects.requireNonNull(coordinator, "coordinator");
      Objects.requireNonNull(channel, "channel");
    }
  }

  public MeterRegistry meters() {
    return meters;
  }

  /** Closes {@code resource} with the rest, before what was started earlier. */
  public <T extends AutoCloseable> T add(T resource) {
    return resources.add(resource);
  }

  /** Starts a real node; its in-process name. */
  public String serve(NodeSettings settings) throws Exception {
    String name = InProcessServerBuilder.generateName();
    add(NodeServer.start(settings, meters, InProcessServerBuilder.forName(name)));
    return name;
  }

  /** Real nodes site1, site2, site3, each in its own folder of {@code dir}, site i holding {@code datasets.apply(i)}. */
  public List<NodeClient> threeNodes(Path dir, IntFunction<String> datasets) throws Exception {
    List<NodeClient> clients = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String id = "site" + i;
      clients.add(node(SharedData.node(dir.resolve(id), id, datasets.apply(i))));
    }
    return clients;
  }

  /** Starts a real node and gives a client that knows it by its own id. */
  public NodeClient node(NodeSettings settings) throws Exception {
    return node(settings.nodeId(), settings);
  }

  /** Starts a real node and gives a client that expects it to be {@code configuredId}. */
  public NodeClient node(String configuredId, NodeSettings settings) throws Exception {
    return client(configuredId, serve(settings));
  }

  /**
   * A client of node {@code id} at in-process name {@code name}, with meters of its own: a test may make several
   * clients of one node id, which a coordinator never does, and one registry would keep only the first one's gauge.
   */
  public NodeClient client(String id, String name) {
    return new NodeClient(id, name, channel(name), new SimpleMeterRegistry());
  }

  /** A client of a node that is configured but not running. */
  public NodeClient down(String id) {
    return client(id, InProcessServerBuilder.generateName());
  }

  /** A started fake node. */
  public FakeNode fake(String id) throws IOException {
    return add(new FakeNode(id));
  }

  /** A channel to in-process name {@code name}. */
  public ManagedChannel channel(String name) {
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return channel;
  }

  /** A federation of {@code nodes} with node deadline {@code deadline}, once it has asked each what it holds. */
  public Federation federation(Duration deadline, List<NodeClient> nodes) {
    return federation(deadline, CoordinatorSettings.DEFAULT_MAX_CONCURRENT_REQUESTS, Analyses.builtIn(), nodes);
  }

  /** A federation running {@code analyses}, at most {@code maxConcurrent} requests at once. */
  public Federation federation(Duration deadline, int maxConcurrent, Analyses analyses, List<NodeClient> nodes) {
    Federation f = add(new Federation(nodes, deadline, maxConcurrent, analyses));
    f.refresh().join();
    return f;
  }

  /** A federation of fake nodes running {@code analyses}, at most {@code maxConcurrent} requests at once. */
  public Federation federation(Duration deadline, int maxConcurrent, Analyses analyses, FakeNode... nodes) {
    return federation(deadline, maxConcurrent, analyses,
        Arrays.stream(nodes).map(n -> n.client(new SimpleMeterRegistry())).toList());
  }

  /**
   * Nodes as a coordinator's settings name them: a stand-in host:port address for each in-process name, and the
   * channels to them by that address.
   */
  public record Addresses(List<CoordinatorConfig.NodeEntry> entries, Function<String, ManagedChannel> channels) {
    public Addresses {
      entries = List.copyOf(entries);
      Objects.requireNonNull(channels, "channels");
    }

    /** The addresses of the nodes {@code nodes} names (id to in-process name, in order). */
    public static Addresses of(Map<String, String> nodes) {
      List<CoordinatorConfig.NodeEntry> entries = new ArrayList<>();
      Map<String, String> names = new HashMap<>();
      nodes.forEach((id, name) -> {
        String address = "127.0.0.1:" + (entries.size() + 1);
        entries.add(new CoordinatorConfig.NodeEntry(id, address));
        names.put(address, name);
      });
      return new Addresses(entries,
          address -> InProcessChannelBuilder.forName(names.get(address)).directExecutor().build());
    }

    /** The addresses of fake nodes. */
    public static Addresses of(FakeNode... nodes) {
      Map<String, String> names = new LinkedHashMap<>();
      Arrays.stream(nodes).forEach(n -> names.put(n.id, n.name));
      return of(names);
    }
  }

  /**
   * A coordinator started through {@link Coordinator#start(CoordinatorSettings, MeterRegistry, io.grpc.ServerBuilder,
   * Function, Analyses)} on in-process transport, with the given nodes.
   */
  public Served coordinator(Duration nodeDeadline, int maxConcurrent, Analyses analyses, Addresses nodes)
      throws IOException {
    return coordinator(nodeDeadline, maxConcurrent, analyses, nodes, null);
  }

  /** The same, keeping its audit log of research requests at {@code auditLog} (null: none). */
  public Served coordinator(Duration nodeDeadline, int maxConcurrent, Analyses analyses, Addresses nodes,
      java.nio.file.Path auditLog) throws IOException {
    CoordinatorSettings settings = CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0",
        nodeDeadline.toMillis(), null, null, null, maxConcurrent, null, null,
        auditLog == null ? null : auditLog.toString(), nodes.entries()));
    String name = InProcessServerBuilder.generateName();
    Coordinator coordinator = add(Coordinator.start(settings, meters, InProcessServerBuilder.forName(name),
        nodes.channels(), analyses));
    return new Served(coordinator, channel(name));
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    close();
  }

  @Override
  public void close() throws Exception {
    resources.close();
  }
}
