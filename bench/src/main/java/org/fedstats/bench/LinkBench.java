package org.fedstats.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fedstats.client.FederationClient;
import org.fedstats.client.filter.Filters;
import org.fedstats.common.HostPort;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.node.NodeServer;
import org.fedstats.node.OutboundNode;
import org.fedstats.node.config.NodeConfigLoader;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.OutboundLink;
import org.fedstats.pki.Role;
import org.fedstats.pki.ca.FederationCa;
import org.fedstats.pki.testing.Issuing;
import org.fedstats.pki.tls.TlsFiles;

/**
 * Latency of a small query (a cohort count over three sites, pooled) through the coordinator, with the nodes linked
 * three ways, all in one process on the same data, over real Netty on loopback:
 * <ol>
 *   <li>baseline: plaintext, the coordinator dials each node (inbound nodes, as before outbound links);
 *   <li>outbound nodes over plaintext (the link alone);
 *   <li>outbound nodes over mutual TLS on every link, the researcher's too (the deployment shape).
 * </ol>
 * The three federations are asked in turn, in blocks, so that load from elsewhere falls on all three alike.
 * Run with: {@code java -cp bench/target/fedstats-bench-0.1.0-SNAPSHOT.jar org.fedstats.bench.LinkBench [blocks]}
 * from the project root, after {@code ./mvnw -DskipTests package}.
 */
public final class LinkBench {
  private static final int PER_BLOCK = 50;

  private LinkBench() {}

  public static void main(String[] args) throws Exception {
    int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Path data = BenchNodes.demoData();
    Path work = Files.createTempDirectory("fedstats-link-bench");
    FederationCa ca = Issuing.newCa(work.resolve("ca"), "Bench Federation CA");
    List<BenchFederation> federations = List.of(inbound(work.resolve("inbound"), data),
        outbound(work.resolve("outbound"), data, Optional.empty()),
        outbound(work.resolve("outbound-tls"), data, Optional.of(ca)));
    try {
      List<List<Long>> samples = new ArrayList<>();
      for (BenchFederation f : federations) {
        for (int i = 0; i < 200; i++) {
          f.countNanos();   // warm-up
        }
        samples.add(new ArrayList<>());
      }
      for (int b = 0; b < blocks; b++) {
        for (int f = 0; f < federations.size(); f++) {
          for (int i = 0; i < PER_BLOCK; i++) {
            samples.get(f).add(federations.get(f).countNanos());
          }
        }
      }
      System.out.printf("pooled count over 3 sites through the coordinator, %d queries each, interleaved in %d "
          + "blocks (ms):%n", blocks * PER_BLOCK, blocks);
      double baseMedian = percentile(samples.get(0), 50);
      double baseP99 = percentile(samples.get(0), 99);
      for (int f = 0; f < federations.size(); f++) {
        double median = percentile(samples.get(f), 50);
        double p99 = percentile(samples.get(f), 99);
        System.out.printf("  %-52s median %7.3f  p99 %7.3f   ratio to baseline: median %.2f, p99 %.2f%n",
            federations.get(f).name(), median, p99, median / baseMedian, p99 / baseP99);
      }
    } finally {
      for (BenchFederation f : federations) {
        f.close();
      }
    }
  }

  /** The {@code p}th percentile of {@code nanos}, in milliseconds. */
  static double percentile(List<Long> nanos, int p) {
    long[] sorted = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, i)] / 1e6;
  }

  private static BenchFederation inbound(Path work, Path data) throws Exception {
    Files.createDirectories(work);
    List<AutoCloseable> nodes = new ArrayList<>();
    List<CoordinatorConfig.NodeEntry> entries = new ArrayList<>();
    for (int site = 1; site <= 3; site++) {
      NodeServer server = NodeServer.start(node(work, site, data), new SimpleMeterRegistry());
      nodes.add(server);
      entries.add(new CoordinatorConfig.NodeEntry("site" + site, "127.0.0.1:" + server.port()));
    }
    Coordinator coordinator = Coordinator.start(CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 10_000L,
        60_000L, entries)), new SimpleMeterRegistry());
    return new BenchFederation("baseline: inbound nodes, plaintext (dial-in)", coordinator, nodes,
        FederationClient.connect("127.0.0.1:" + coordinator.port(), "bench", Duration.ofSeconds(30)));
  }

  private static BenchFederation outbound(Path work, Path data, Optional<FederationCa> ca) throws Exception {
    Files.createDirectories(work);
    List<CoordinatorConfig.NodeEntry> entries = new ArrayList<>();
    for (int site = 1; site <= 3; site++) {
      entries.add(new CoordinatorConfig.NodeEntry("site" + site, null));
    }
    Optional<TlsFiles> coordinatorTls = ca.map(c -> Issuing.issue(c, work.resolve("coordinator"), "coordinator",
        Issuing.server("coordinator", Role.COORDINATOR)));
    Coordinator coordinator = Coordinator.start(CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 10_000L,
        60_000L, null, null, null, null, null, null, entries, null, null, "127.0.0.1:0", null, null, null, null, null))
        .withTls(coordinatorTls), new SimpleMeterRegistry());
    List<AutoCloseable> nodes = new ArrayList<>();
    for (int site = 1; site <= 3; site++) {
      String id = "site" + site;
      Optional<TlsFiles> tls = ca.map(c -> Issuing.issue(c, work.resolve(id + "-tls"), id,
          Issuing.server(id, Role.NODE)));
      nodes.add(OutboundNode.start(node(work, site, data).withTls(tls).withCoordinator(Optional.of(
          OutboundLink.to(new HostPort("127.0.0.1", coordinator.nodePort())))), new SimpleMeterRegistry()));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!coordinator.federation().listNodes().getNodesList().stream().allMatch(n -> n.getReachable())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("outbound nodes did not link within 60 s");
      }
      Thread.sleep(10);
    }
    String address = "127.0.0.1:" + coordinator.port();
    FederationClient client = ca.isPresent()
        ? FederationClient.connect(address, Issuing.issue(ca.get(), work.resolve("researcher"), "bench",
            Issuing.researcher("bench")).withoutCrl(), Duration.ofSeconds(30))
        : FederationClient.connect(address, "bench", Duration.ofSeconds(30));
    return new BenchFederation(
        ca.isPresent() ? "outbound nodes, mutual TLS on every link" : "outbound nodes, plaintext",
        coordinator, nodes, client);
  }

  private static NodeSettings node(Path work, int site, Path data) throws Exception {
    return NodeConfigLoader.load(BenchNodes.colonConfig(work, site, data, "sex", "age"));
  }
}
