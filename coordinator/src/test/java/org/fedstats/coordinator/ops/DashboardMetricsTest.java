package org.fedstats.coordinator.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessServerBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fedstats.common.HostPort;
import org.fedstats.common.ops.Telemetry;
import org.fedstats.common.testing.Probing;
import org.fedstats.coordinator.Coordinator;
import org.fedstats.coordinator.config.CoordinatorConfig;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.fedstats.coordinator.testing.InProcessFederation;
import org.fedstats.node.NodeServer;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.testing.Requests;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisRequest;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.FederationServiceGrpc;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric the Grafana dashboard in {@code deploy/grafana} queries is one a running coordinator or node exports
 * at {@code /metrics}, and no exported fedstats meter carries a label beyond node, analysis, rule and status.
 */
class DashboardMetricsTest {
  private static final Path DASHBOARD = Path.of("..", "deploy", "grafana", "fedstats.json");
  private static final Pattern METRIC = Pattern.compile("\\b((?:fedstats|jvm|process|system)_[a-z0-9_]+)");
  /** Labels a fedstats meter may carry (le: a histogram's bucket). */
  private static final Set<String> LABELS = Set.of("node", "analysis", "rule", "status", "outcome", "le");

  @TempDir
  Path tmp;

  @RegisterExtension
  final InProcessFederation sites = new InProcessFederation();

  @Test
  void theDashboardQueriesOnlyMetricsTheProcessesExport() throws Exception {
    Telemetry nodeMeters = sites.add(Telemetry.start(Optional.of(new HostPort("127.0.0.1", 0)), "node"));
    Telemetry coordinatorMeters = sites.add(Telemetry.start(Optional.of(new HostPort("127.0.0.1", 0)),
        "coordinator"));
    Map<String, String> nodes = new LinkedHashMap<>();
    for (int i = 1; i <= 3; i++) {
      NodeSettings node = SharedData.node(tmp, "site" + i, SharedData.colonDataset(i, "count", ""));
      String name = InProcessServerBuilder.generateName();
      sites.add(NodeServer.start(node, nodeMeters.registry(), InProcessServerBuilder.forName(name)));
      nodes.put(node.nodeId(), name);
    }
    InProcessFederation.Addresses addresses = InProcessFederation.Addresses.of(nodes);
    String served = InProcessServerBuilder.generateName();
    sites.add(Coordinator.start(CoordinatorSettings.of(new CoordinatorConfig("127.0.0.1:0", 30_000L, 60_000L,
        addresses.entries())), coordinatorMeters.registry(), InProcessServerBuilder.forName(served),
        addresses.channels()));
    FederationServiceGrpc.FederationServiceBlockingStub researcher = FederationServiceGrpc.newBlockingStub(
        sites.channel(served)).withDeadlineAfter(60, TimeUnit.SECONDS);
    // An answered request, one the nodes refuse (a cohort too small) and one the coordinator rejects.
    AnalysisRequest count = AnalysisRequest.newBuilder().setDataset("colon")
        .setAnalysis(Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance())).build();
    assertThat(researcher.runAnalysis(count).getPooled().getCount().getCount()).isEqualTo(929);
    assertThat(researcher.runAnalysis(count.toBuilder().setFilter(Requests.cmp("age", ComparisonOperator.LT, 21))
        .build()).getSitesList()).anyMatch(s -> s.getStatus().name().equals("REFUSED"));
    assertThatThrownBy(() -> researcher.runAnalysis(count.toBuilder().setDataset("colonn").build()))
        .isInstanceOf(StatusRuntimeException.class);

    String nodeScrape = Probing.get(nodeMeters.port(), Telemetry.PATH).body();
    String coordinatorScrape = Probing.get(coordinatorMeters.port(), Telemetry.PATH).body();
    assertThat(nodeScrape).contains("fedstats_node_refusals_total{analysis=\"count\",rule=\"");
    assertThat(coordinatorScrape).contains("fedstats_coordinator_requests_seconds_count{analysis=\"count\","
        + "status=\"NOT_FOUND\"}", "fedstats_coordinator_node_up{node=\"site3\"} 1.0");
    Set<String> exported = new TreeSet<>();
    Map<String, Set<String>> labels = new HashMap<>();
    for (String line : (nodeScrape + "\n" + coordinatorScrape).split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int end = line.indexOf('{') >= 0 ? line.indexOf('{') : line.indexOf(' ');
      String name = line.substring(0, end);
      exported.add(name);
      if (name.startsWith("fedstats_") && line.indexOf('{') >= 0) {
        Matcher label = Pattern.compile("([a-z_]+)=\"").matcher(line.substring(end, line.indexOf('}')));
        while (label.find()) {
          labels.computeIfAbsent(name, n -> new TreeSet<>()).add(label.group(1));
        }
      }
    }
    labels.forEach((name, used) -> assertThat(LABELS).as("labels of " + name).containsAll(used));

    JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
    List<String> queries = dashboard.findValuesAsText("expr");
    assertThat(queries).hasSizeGreaterThanOrEqualTo(10);
    Set<String> queried = new TreeSet<>();
    for (String query : queries) {
      Matcher m = METRIC.matcher(query);
      while (m.find()) {
        queried.add(m.group(1));
      }
    }
    assertThat(queried).contains("fedstats_coordinator_requests_seconds_bucket", "fedstats_node_refusals_total",
        "fedstats_coordinator_node_up", "fedstats_node_audit_write_seconds_bucket");
    assertThat(exported).containsAll(queried);
  }
}
