package org.fedstats.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.fedstats.client.FederationClient;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.node.NodeServer;
import org.fedstats.node.config.NodeConfigLoader;
import org.fedstats.node.config.NodeSettings;

/**
 * How long a restarted node takes to be back in pooled answers, over real Netty on loopback: from the moment it
 * listens again to the first strict (all-sites) pooled count. Two coordinator configurations run alternately in one
 * process: the default (down nodes probed every 250 ms, reconnecting at once) and a baseline that checks down nodes
 * only at the health interval (5 s), as the coordinator did before probes.
 * Run with: {@code java -cp bench/target/fedstats-bench-0.1.0-SNAPSHOT.jar org.fedstats.bench.RejoinBench [rounds]}
 * from the project root, after {@code ./mvnw -DskipTests package}.
 */
public final class RejoinBench {
  private RejoinBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    Path data = Path.of("deploy/demo/data").toAbsolutePath();
    if (!Files.isDirectory(data)) {
      throw new IllegalStateException("run from the project root: " + data + " not found");
    }
    List<Long> probing = new ArrayList<>();
    List<Long> baseline = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      probing.add(rejoinMs(data, 250L));
      baseline.add(rejoinMs(data, 5_000L));
    }
    long a = median(probing);
    long b = median(baseline);
    System.out.printf("rejoin, node listening -> first pooled answer including it, median of %d:%n", rounds);
    System.out.printf("  probe every 250 ms (default):       %5d ms  %s%n", a, probing);
    System.out.printf("  checked at health interval (5 s):   %5d ms  %s%n", b, baseline);
    System.out.printf("  ratio default/baseline: %.3f%n", (double) a / b);
  }

  private static long median(List<Long> values) {
    List<Long> sorted = values.stream().sorted().toList();
    return sorted.get(sorted.size() / 2);
  }

  private static long rejoinMs(Path data, long probeMs) throws Exception {
    Path work = Files.createTempDirectory("fedstats-rejoin");
    List<NodeServer> nodes = new ArrayList<>();
    List<NodeSettings> settings = new ArrayList<>();
    List<CoordinatorConfig.NodeEntry> entries = new ArrayList<>();
    for (int site = 1; site <= 3; site++) {
      Path config = BenchNodes.colonConfig(work, site, data, "sex");
      NodeServer server = NodeServer.start(NodeConfigLoader.load(config), new SimpleMeterRegistry());
      nodes.add(server);
      settings.add(NodeConfigLoader.load(config).withListen("127.0.0.1", server.port()));
      entries.add(new CoordinatorConfig.NodeEntry("site" + site, "127.0.0.1:" + server.port()));
    }
    CoordinatorSettings coordinatorSettings = CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 10_000L,
        5_000L, probeMs, null, null, null, null, null, entries));
    try (Coordinator coordinator = Coordinator.start(coordinatorSettings, new SimpleMeterRegistry());
        FederationClient client = FederationClient.connect("127.0.0.1:" + coordinator.port(), "bench",
            Duration.ofSeconds(30))) {
      nodes.get(1).close();
      if (client.dataset("colon").count().pooled().isPresent()) {
        throw new IllegalStateException("pooled with a node down");
      }
      nodes.set(1, NodeServer.start(settings.get(1), new SimpleMeterRegistry()));
      long listening = System.nanoTime();
      long deadline = listening + Duration.ofSeconds(30).toNanos();
      while (client.dataset("colon").count().pooled().isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the node did not rejoin within 30 s");
        }
        Thread.sleep(5);
      }
      return (System.nanoTime() - listening) / 1_000_000;
    } finally {
      for (NodeServer n : nodes) {
        n.close();
      }
    }
  }
}
