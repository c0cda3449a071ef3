package org.fedstats.node.config;

import org.fedstats.common.grpc.ServerLimits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.fedstats.node.dataset.Variable;
import org.fedstats.node.disclosure.SiteResults;
import org.fedstats.node.limits.QueryLimits;
import org.fedstats.node.store.DatasetStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's configuration keys: defaults, the documented example, the demo sites, and bad values. */
class NodeConfigLoaderTest {
  private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

  @TempDir
  Path tmp;

  private NodeSettings load(String yaml) throws Exception {
    Path file = tmp.resolve("node.yaml");
    Files.writeString(file, yaml);
    return NodeConfigLoader.load(file);
  }

  @Test
  void defaults() throws Exception {
    NodeSettings settings = load("node-id: site1\n");
    assertThat(settings.host()).isEqualTo("127.0.0.1");
    assertThat(settings.port()).isEqualTo(50051);
    assertThat(settings.server()).isEqualTo(new ServerLimits(Duration.ofMinutes(5), Duration.ofMinutes(5),
        Duration.ofSeconds(20), Duration.ofSeconds(30), 64, null));
    assertThat(CsvOptions.DEFAULT).isEqualTo(new CsvOptions(List.of("", "NA"), ",", true, null));
    assertThat(settings.stateDir()).isEqualTo(tmp.resolve("audit.state"));
  }

  @Test
  void tlsNamesTheFilesRelativeToTheConfigurationAndInsecureIsPlaintext() throws Exception {
    assertThat(load("node-id: site1\ntls: {dir: tls, name: site1}\n").tls())
        .contains(org.fedstats.pki.tls.TlsFiles.inFolder(tmp.resolve("tls"), "site1"));
    assertThat(load("node-id: site1\ninsecure: true\n").tls()).isEmpty();
    assertThat(load("node-id: site1\n").tls()).isEmpty();
    assertThatThrownBy(() -> load("node-id: site1\ninsecure: true\ntls: {dir: tls, name: site1}\n"))
        .isInstanceOf(StartupException.class).hasMessageContaining("not both");
  }

  @Test
  void aCoordinatorSectionMakesAnOutboundNodeAndExcludesListen() throws Exception {
    NodeSettings outbound = load("node-id: site1\ncoordinator: {address: coord.example:7051}\n");
    assertThat(outbound.coordinator()).contains(OutboundLink.to(new org.fedstats.common.HostPort("coord.example",
        7051)));
    assertThat(load("node-id: site1\ncoordinator: {address: 10.0.0.1:7051, name: fed-coordinator, "
        + "reconnect-min-ms: 50, reconnect-max-ms: 5000}\n").coordinator().orElseThrow())
        .isEqualTo(new OutboundLink(new org.fedstats.common.HostPort("10.0.0.1", 7051), "fed-coordinator",
            Duration.ofMillis(50), Duration.ofSeconds(5)));
    assertThat(load("node-id: site1\nlisten: 127.0.0.1:7051\n").coordinator()).isEmpty();
    assertThatThrownBy(() -> load("node-id: site1\nlisten: 127.0.0.1:7051\ncoordinator: {address: c:7051}\n"))
        .isInstanceOf(StartupException.class).hasMessageContaining("either coordinator").hasMessageContaining("not both");
    assertThatThrownBy(() -> load("node-id: site1\ncoordinator: {name: c}\n"))
        .hasMessageContaining("coordinator: address");
    assertThatThrownBy(() -> load("node-id: site1\ncoordinator: {address: c:1, reconnect-min-ms: 500, "
        + "reconnect-max-ms: 100}\n")).hasMessageContaining("reconnect-min-ms must be positive and at most");
  }

  @Test
  void theOverlapRuleFollowsTheCellCountUnlessSetAndIsOnUnlessTurnedOff() throws Exception {
    String variables = "    variables: [{name: a, type: integer}]\n";
    NodeSettings settings = load("""
        node-id: site1
        audit-log: logs/audit-site1.jsonl
        disclosure: {min-cell-count: 5}
        datasets:
          - name: inherits
            files: [t.csv]
        """ + variables + """
          - name: own
            files: [t.csv]
            disclosure: {overlap-min-difference: 20}
        """ + variables + """
          - name: off
            files: [t.csv]
            disclosure: {overlap-audit: false}
        """ + variables);
    assertThat(settings.stateDir()).isEqualTo(tmp.resolve("logs").resolve("audit-site1.state"));
    assertThat(settings.dataset("inherits").orElseThrow().policy().minDifference()).isEqualTo(5);
    assertThat(settings.dataset("inherits").orElseThrow().policy().overlapAudit()).isTrue();
    assertThat(settings.dataset("own").orElseThrow().policy().minDifference()).isEqualTo(20);
    assertThat(settings.dataset("off").orElseThrow().policy().overlapAudit()).isFalse();
    assertThat(load("node-id: site1\nstate-dir: /var/lib/fedstats/state\n").stateDir())
        .isEqualTo(Path.of("/var/lib/fedstats/state"));
    assertThatThrownBy(() -> load("node-id: site1\ndisclosure: {overlap-min-difference: 0}\n"))
        .hasMessageEndingWith("overlap-min-difference must be at least 1, not 0");
  }

  @Test
  void theDocumentedExampleLoads() throws Exception {
    String readme = Files.readString(DEPLOY.resolve("README.md"));
    int example = readme.indexOf("```yaml", readme.indexOf("### Node configuration reference"));
    String yaml = readme.substring(readme.indexOf('\n', example) + 1, readme.indexOf("```", example + 7));
    NodeSettings settings = load(yaml);
    assertThat(settings.coordinator()).contains(OutboundLink.to(new org.fedstats.common.HostPort(
        "coordinator.federation.example", 7051)));
    assertThat(settings.tls()).contains(org.fedstats.pki.tls.TlsFiles.inFolder(Path.of("/etc/fedstats/tls"), "site1"));
    assertThat(settings.datasets().getFirst().limits()).isEqualTo(new QueryLimits(60, 500));
    assertThat(settings.datasets().getFirst().policy().siteResults()).isEqualTo(SiteResults.POOLED_ONLY);
    assertThat(settings.datasets().getFirst().noise().budget())
        .isEqualTo(org.fedstats.node.disclosure.noise.PrivacyCost.of("1", "0"));
    assertThat(settings.datasets().getFirst().noise().bounds()).containsOnlyKeys("age");
    assertThat(settings.datasets().getFirst().schema().usable()).extracting(Variable::name)
        .containsExactly("age", "ward", "admitted");
    assertThat(settings.datasets().getFirst().source()).isEqualTo(new DatasetDefinition.Files(
        List.of(Path.of("/data/export/admissions.csv")), new CsvOptions(List.of("NA", ".", ""), ";", true,
            "%d/%m/%Y")));
  }

  @Test
  void metricsAndShutdownGraceAreOptIn() throws Exception {
    assertThat(load("node-id: site1\n").operations()).isEqualTo(org.fedstats.common.ops.Operations.DEFAULT);
    NodeSettings settings = load("node-id: site1\nmetrics-listen: 127.0.0.1:9464\nshutdown-grace-ms: 20000\n");
    assertThat(settings.operations().metricsListen()).contains(new org.fedstats.common.HostPort("127.0.0.1", 9464));
    assertThat(settings.operations().shutdownGrace()).isEqualTo(java.time.Duration.ofSeconds(20));
    assertThatThrownBy(() -> load("node-id: site1\nmetrics-listen: 9464\n"))
        .hasMessageContaining("metrics-listen must be host:port");
  }

  @Test
  void theDemoSitesLoad() throws Exception {
    for (int site = 1; site <= 3; site++) {
      NodeSettings settings = NodeConfigLoader.load(DEPLOY.resolve("demo/node-site" + site + ".yaml"));
      try (DatasetStore store = DatasetStore.open(settings.datasets())) {
        assertThat(store).isNotNull();
      }
    }
  }

  @Test
  void badValuesAreOneLineEach() {
    assertThatThrownBy(() -> load("node-id: site1\nserver: {max-concurrent-calls-per-connection: 0}\n"))
        .isInstanceOf(StartupException.class)
        .hasMessageEndingWith("server.max-concurrent-calls-per-connection must be at least 1, not 0");
    assertThatThrownBy(() -> load("node-id: site1\nserver: {max-connection-idle-ms: -5}\n"))
        .hasMessageEndingWith("server.max-connection-idle-ms must be a positive number of milliseconds, not -5");
    assertThatThrownBy(() -> load("node-id: site1\nlisten: localhost\n"))
        .hasMessageEndingWith("listen must be host:port, e.g. 127.0.0.1:50051, not 'localhost'");
    assertThatThrownBy(() -> load("""
        node-id: site1
        datasets:
          - name: t
            database: x.duckdb
            table: t
            csv: {delimiter: ";"}
            variables: [{name: a, type: integer}]
        """)).hasMessageEndingWith("dataset t: csv options apply only to CSV files");
    assertThatThrownBy(() -> load("""
        node-id: site1
        datasets:
          - name: t
            files: [t.csv]
            csv: {delimiter: ""}
            variables: [{name: a, type: integer}]
        """)).hasMessageContaining("csv.delimiter must be one to four characters");
  }
}
