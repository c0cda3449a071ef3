package org.fedstats.coordinator.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.fedstats.common.Contract;
import org.fedstats.common.HostPort;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.testing.Closer;
import org.fedstats.node.NodeServer;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.AnalysisResponse;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.fedstats.proto.v1.SummaryAnalysis;
import org.fedstats.proto.v1.Value;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The health dashboard as a person uses it: a real federation on 127.0.0.1 (three nodes, a coordinator with a web
 * port and a short health interval), and headless Chromium, driven by playwright-core from
 * {@code src/test/browser/dashboard.e2e.mjs}. The page shows three nodes UP; a query alice runs over gRPC appears in
 * the request list; a node stopped turns DOWN within the health interval; screenshots go to
 * {@code target/dashboard*.png}. Skipped, saying why, where Chromium, Node.js or the npm packages are missing, unless
 * {@code FEDSTATS_REQUIRE_BROWSER=1}: then it fails.
 */
class DashboardBrowserTest {
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path SCRIPTS = Path.of("src/test/browser");
  private static final Path SCREENSHOT = Path.of("target/dashboard.png");
  private static final Duration HEALTH_INTERVAL = Duration.ofMillis(1000);
  private static final Duration SCRIPT_LIMIT = Duration.ofSeconds(90);

  @TempDir
  Path tmp;

  private final Closer closer = new Closer();

  @AfterEach
  void stop() throws Exception {
    closer.close();
  }

  /** The Node.js launcher, once Chromium, Node.js and playwright-core are all there; else skips (or fails). */
  private static Path requireBrowser() {
    List<String> missing = new ArrayList<>();
    if (!Files.isExecutable(CHROMIUM)) {
      missing.add(CHROMIUM + " (apt-get install chromium)");
    }
    Optional<Path> node = onPath("node");
    if (node.isEmpty()) {
      missing.add("node on the PATH (apt-get install nodejs npm)");
    }
    if (!Files.isDirectory(SCRIPTS.resolve("node_modules/playwright-core"))) {
      missing.add(SCRIPTS.toAbsolutePath().resolve("node_modules/playwright-core") + " (npm ci there)");
    }
    if (!missing.isEmpty()) {
      String why = "the dashboard's browser test needs " + String.join(", ", missing);
      if ("1".equals(System.getenv("FEDSTATS_REQUIRE_BROWSER"))) {
        fail(why + " (FEDSTATS_REQUIRE_BROWSER=1)");
      }
      System.err.println("SKIPPED: " + why);
      Assumptions.abort(why);
    }
    return node.orElseThrow();
  }

  private static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir, name);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  @Test
  void aPersonSeesThreeNodesUpTheirQueryListedAndAStoppedNodeTurnDown() throws Exception {
    Path node = requireBrowser();
    List<NodeServer> sites = new ArrayList<>();
    List<CoordinatorConfig.NodeEntry> entries = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      NodeServer site = closer.add(NodeServer.start(SharedData.node(tmp.resolve("site" + i), "site" + i,
          SharedData.colonDataset(i, SharedData.ALL, "")), new SimpleMeterRegistry()));
      sites.add(site);
      entries.add(new CoordinatorConfig.NodeEntry("site" + i, "127.0.0.1:" + site.port()));
    }
    Coordinator coordinator = closer.add(Coordinator.start(CoordinatorSettings.of(new CoordinatorConfig(
        "127.0.0.1:0", 10_000L, HEALTH_INTERVAL.toMillis(), 500L, 1_000L, null, null, null, null, entries, null,
        null)).withWebListen(Optional.of(new HostPort("127.0.0.1", 0))), new SimpleMeterRegistry()));
    Files.createDirectories(SCREENSHOT.getParent());

    long started = System.nanoTime();
    Path log = tmp.resolve("e2e.log");
    Process script = new ProcessBuilder(node.toString(), "dashboard.e2e.mjs", coordinator.webUrl().orElseThrow() + "/",
        SCREENSHOT.toAbsolutePath().toString(), String.valueOf(HEALTH_INTERVAL.toMillis()))
        .directory(SCRIPTS.toFile())
        .redirectError(log.toFile())
        .start();
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = Thread.ofVirtual().start(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(script.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = out.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("FAIL reading the script's output: " + e.getMessage());
      }
      lines.add("EOF");
    });
    List<String> transcript = new ArrayList<>();
    String verdict = null;
    try (Writer replies = script.outputWriter(StandardCharsets.UTF_8)) {
      long deadline = System.nanoTime() + SCRIPT_LIMIT.toNanos();
      while (verdict == null) {
        String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        if (line == null) {
          verdict = "FAIL the script overran " + SCRIPT_LIMIT.toSeconds() + " s";
          break;
        }
        transcript.add(line);
        switch (line) {
          case "QUERY" -> {
            runQueriesAsAlice(coordinator);
            replies.write("done\n");
            replies.flush();
          }
          case "KILL site3" -> {
            sites.get(2).close();
            replies.write("killed\n");
            replies.flush();
          }
          case "OK", "EOF" -> verdict = line;
          default -> {
            if (line.startsWith("FAIL")) {
              verdict = line;
            }
          }
        }
      }
    } finally {
      if (!script.waitFor(10, TimeUnit.SECONDS)) {
        script.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      reader.join(Duration.ofSeconds(5));
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    String stderr = Files.exists(log) ? Files.readString(log) : "";
    assertThat(verdict).as("the browser script's verdict; its transcript:%n%s%nits stderr:%n%s",
        String.join("\n", transcript), stderr).isEqualTo("OK");
    assertThat(script.exitValue()).isZero();
    assertThat(SCREENSHOT).isNotEmptyFile();
    System.err.println("dashboard browser test: " + seconds + " s; " + String.join("; ", transcript.stream()
        .filter(l -> l.startsWith("LOG ")).map(l -> l.substring(4)).toList()));
  }

  /**
   * As alice would from the CLI, over gRPC: a count for her project (pooled), then one of a small cohort (refused
   * where a cell is too small) and a summary, so the dashboard has something to show.
   */
  private static void runQueriesAsAlice(Coordinator coordinator) throws InterruptedException {
    Metadata headers = new Metadata();
    headers.put(Contract.USER_HEADER, "alice");
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", coordinator.port()).usePlaintext()
        .intercept(MetadataUtils.newAttachHeadersInterceptor(headers)).build();
    try {
      var stub = FederationServiceGrpc.newBlockingStub(channel);
      Analysis count = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();
      AnalysisRequest.Builder colon = AnalysisRequest.newBuilder().setDataset("colon").setProject("colon-study");
      AnalysisResponse pooled = stub.withDeadlineAfter(30, TimeUnit.SECONDS)
          .runAnalysis(colon.clone().setAnalysis(count).build());
      assertThat(pooled.getPooledAvailable()).as(pooled.getPooledNote()).isTrue();
      Filter young = Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("age")
          .setOp(ComparisonOperator.LT).setValue(Value.newBuilder().setNumber(27))).build();
      stub.withDeadlineAfter(30, TimeUnit.SECONDS).runAnalysis(colon.clone().setFilter(young).setAnalysis(count)
          .build());
      stub.withDeadlineAfter(30, TimeUnit.SECONDS).runAnalysis(colon.clone().setAnalysis(Analysis.newBuilder()
          .setSummary(SummaryAnalysis.newBuilder().setVariable("age"))).build());
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
