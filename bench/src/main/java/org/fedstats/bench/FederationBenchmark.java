package org.fedstats.bench;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.fedstats.client.FederationClient;
import org.fedstats.client.filter.Filters;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.node.NodeServer;
import org.fedstats.node.gate.AnalysisEngine;
import org.fedstats.node.config.NodeConfigLoader;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.NodeServiceGrpc;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of a cohort count (sex = 0 on the colon demo data) at three levels, measured in one run:
 * the node's engine alone (DuckDB + disclosure control, no network), one node over gRPC/Netty (adds transport and
 * the durable audit write), and the whole federation (SDK to coordinator to three nodes and back, pooled).
 * Run with: {@code java -jar bench/target/fedstats-bench-0.1.0-SNAPSHOT.jar FederationBenchmark}
 * (from the project root, after {@code ./mvnw -DskipTests package}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED"})
public class FederationBenchmark {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();
  private static final Filter FEMALE = Filters.eq("sex", 0).filter();

  private Path work;
  private final List<NodeServer> nodes = new ArrayList<>();
  private Coordinator coordinator;
  private FederationClient client;
  private ManagedChannel directChannel;
  private NodeServiceGrpc.NodeServiceBlockingStub direct;
  private DatasetStore store;
  private AnalysisEngine engine;

  @Setup(Level.Trial)
  public void start() throws Exception {
    Path data = Path.of("deploy/demo/data").toAbsolutePath();
    if (!Files.isDirectory(data)) {
      throw new IllegalStateException("run from the project root: " + data + " not found");
    }
    work = Files.createTempDirectory("fedstats-bench");
    List<CoordinatorConfig.NodeEntry> entries = new ArrayList<>();
    for (int site = 1; site <= 3; site++) {
      NodeSettings settings = node(site, data);
      NodeServer server = NodeServer.start(settings, new SimpleMeterRegistry());
      nodes.add(server);
      entries.add(new CoordinatorConfig.NodeEntry("site" + site, "127.0.0.1:" + server.port()));
    }
    coordinator = Coordinator.start(CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 10_000L, 60_000L,
        entries)), new SimpleMeterRegistry());
    client = FederationClient.connect("127.0.0.1:" + coordinator.port(), "bench", Duration.ofSeconds(30));
    directChannel = NettyChannelBuilder.forTarget("127.0.0.1:" + nodes.getFirst().port()).usePlaintext().build();
    direct = NodeServiceGrpc.newBlockingStub(directChannel);
    NodeSettings local = node(1, data);
    store = DatasetStore.open(local.datasets());
    engine = new AnalysisEngine(local, store);
  }

  private NodeSettings node(int site, Path data) throws IOException {
    return NodeConfigLoader.load(BenchNodes.colonConfig(work, site, data, "sex", "age"));
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    client.close();
    directChannel.shutdownNow();
    coordinator.close();
    for (NodeServer n : nodes) {
      n.close();
    }
    store.close();
    try (Stream<Path> files = Files.walk(work)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Baseline: the node's engine in-process (SQL on DuckDB and the disclosure checks). */
  @Benchmark
  public Object engineCount() throws Exception {
    return engine.run(new AnalysisEngine.Request("colon", true, FEMALE, COUNT));
  }

  /** One node over gRPC/Netty on loopback, including its durable audit-log write. */
  @Benchmark
  public long singleNodeCount() {
    return direct.runAnalysis(NodeAnalysisRequest.newBuilder().setRequestId("bench").setRequester("bench")
        .setDataset("colon").setFilter(FEMALE).setAnalysis(COUNT).build()).getResult().getCount().getCount();
  }

  /** The researcher's view: SDK to coordinator, fan-out to three nodes, pooled answer back. */
  @Benchmark
  public long federatedCount() {
    return client.dataset("colon").where(Filters.eq("sex", 0)).count().pooledOrThrow().count();
  }
}
