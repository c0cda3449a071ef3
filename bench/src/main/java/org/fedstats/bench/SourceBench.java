package org.fedstats.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.fedstats.client.FederationClient;
import org.fedstats.client.filter.Filters;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.node.NodeServer;
import org.fedstats.node.config.NodeConfigLoader;

/**
 * Latency of a pooled count and a pooled summary over three sites through the coordinator, with the nodes reading
 * the same site data two ways, in one process, over real Netty on loopback: baseline, each node's CSV file loaded
 * into its embedded DuckDB; then each node reading its site's table in PostgreSQL (read-only connections from the
 * node's pool, {@code jdbc.pool-size}). The federations are asked in turn, in blocks, so that load from elsewhere falls on both alike.
 *
 * <p>Needs the server and tables of {@code deploy/postgres/start-test-server.sh} (FEDSTATS_PG_URL, FEDSTATS_PG_USER,
 * FEDSTATS_PG_PASSWORD). Run with: {@code java -cp bench/target/fedstats-bench-0.1.0-SNAPSHOT.jar
 * org.fedstats.bench.SourceBench [blocks]} from the project root, after {@code ./mvnw -DskipTests package}.
 */
public final class SourceBench {
  private static final int PER_BLOCK = 25;

  private SourceBench() {}

  public static void main(String[] args) throws Exception {
    int blocks = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    Path data = BenchNodes.demoData();
    String url = System.getenv("FEDSTATS_PG_URL");
    String user = System.getenv("FEDSTATS_PG_USER");
    if (url == null || user == null || System.getenv("FEDSTATS_PG_PASSWORD") == null) {
      throw new IllegalStateException("set FEDSTATS_PG_URL, FEDSTATS_PG_USER and FEDSTATS_PG_PASSWORD: "
          + "eval \"$(deploy/postgres/start-test-server.sh)\"");
    }
    Path work = Files.createTempDirectory("fedstats-source-bench");
    List<BenchFederation> federations = new ArrayList<>();
    try {
      federations.add(federation("baseline: CSV loaded into DuckDB", work.resolve("duckdb"),
          site -> "files: [\"" + data.resolve("colon_site" + site + ".csv") + "\"]"));
      federations.add(federation("PostgreSQL table (jdbc, pooled connections)", work.resolve("postgres"),
          site -> "jdbc: {url: '" + url + "', table: colon_site" + site + ", user: " + user
              + ", password-env: FEDSTATS_PG_PASSWORD, row-id: row_id}"));
      List<List<Long>> counts = new ArrayList<>();
      List<List<Long>> summaries = new ArrayList<>();
      for (BenchFederation f : federations) {
        for (int i = 0; i < 100; i++) {
          f.countNanos();   // warm-up
          f.summaryNanos();
        }
        counts.add(new ArrayList<>());
        summaries.add(new ArrayList<>());
      }
      for (int b = 0; b < blocks; b++) {
        for (int f = 0; f < federations.size(); f++) {
          for (int i = 0; i < PER_BLOCK; i++) {
            counts.get(f).add(federations.get(f).countNanos());
            summaries.get(f).add(federations.get(f).summaryNanos());
          }
        }
      }
      report("pooled count (sex = 0)", federations, counts, blocks);
      report("pooled summary (age)", federations, summaries, blocks);
    } finally {
      for (BenchFederation f : federations) {
        f.close();
      }
    }
  }

  private static void report(String what, List<BenchFederation> federations, List<List<Long>> samples, int blocks) {
    System.out.printf("%s over 3 sites through the coordinator, %d queries each, interleaved in %d blocks (ms):%n",
        what, blocks * PER_BLOCK, blocks);
    double baseMedian = LinkBench.percentile(samples.get(0), 50);
    double baseP99 = LinkBench.percentile(samples.get(0), 99);
    for (int f = 0; f < federations.size(); f++) {
      double median = LinkBench.percentile(samples.get(f), 50);
      double p99 = LinkBench.percentile(samples.get(f), 99);
      System.out.printf("  %-50s median %7.3f  p99 %7.3f   ratio to baseline: median %.2f, p99 %.2f%n",
          federations.get(f).name(), median, p99, median / baseMedian, p99 / baseP99);
    }
  }

  private static BenchFederation federation(String name, Path work, Function<Integer, String> source) throws Exception {
    Files.createDirectories(work);
    List<AutoCloseable> nodes = new ArrayList<>();
    List<CoordinatorConfig.NodeEntry> entries = new ArrayList<>();
    for (int site = 1; site <= 3; site++) {
      NodeServer server = NodeServer.start(NodeConfigLoader.load(BenchNodes.colonConfig(work, site,
          source.apply(site), "count, summary", "sex", "age")), new SimpleMeterRegistry());
      nodes.add(server);
      entries.add(new CoordinatorConfig.NodeEntry("site" + site, "127.0.0.1:" + server.port()));
    }
    Coordinator coordinator = Coordinator.start(CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 10_000L,
        60_000L, entries)), new SimpleMeterRegistry());
    return new BenchFederation(name, coordinator, nodes,
        FederationClient.connect("127.0.0.1:" + coordinator.port(), "bench", Duration.ofSeconds(30)));
  }
}
