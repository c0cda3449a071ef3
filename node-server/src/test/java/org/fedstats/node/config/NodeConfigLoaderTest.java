package org.fedstats.node.config;

import org.fedstats.common.grpc.ServerLimits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.fedstats.node.dataset.Variable;
import org.fedstats.node.disclosure.DisclosureRule;
import org.fedstats.node.disclosure.ReviewPolicy;
import org.fedstats.node.disclosure.SiteResults;
import org.fedstats.node.limits.QueryLimits;
import org.fedstats.node.store.DatasetStore;
import java.time.LocalDate;
import java.util.Optional;
import org.fedstats.node.access.AccessSettings;
import org.fedstats.node.access.Approvals;
import org.fedstats.pki.tls.TlsConfig;
import org.fedstats.pki.tls.TlsFiles;
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
    NodeSettings settings = load("node-id: site1\ninsecure: true\n");
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
        .contains(TlsFiles.inFolder(tmp.resolve("tls"), "site1"));
    assertThat(load("node-id: site1\ninsecure: true\n").tls()).isEmpty();
    assertThatThrownBy(() -> load("node-id: site1\n")).isInstanceOf(StartupException.class)
        .hasMessage("invalid node configuration " + tmp.resolve("node.yaml") + ": " + TlsConfig.NO_TRANSPORT);
    assertThatThrownBy(() -> load("node-id: site1\ninsecure: true\ntls: {dir: tls, name: site1}\n"))
        .isInstanceOf(StartupException.class).hasMessageContaining("not both");
  }

  @Test
  void aCoordinatorSectionMakesAnOutboundNodeAndExcludesListen() throws Exception {
    NodeSettings outbound = load("node-id: site1\ninsecure: true\ncoordinator: {address: coord.example:7051}\n");
    assertThat(outbound.coordinator()).contains(OutboundLink.to(new org.fedstats.common.HostPort("coord.example",
        7051)));
    assertThat(load("node-id: site1\ninsecure: true\ncoordinator: {address: 10.0.0.1:7051, name: fed-coordinator, "
        + "reconnect-min-ms: 50, reconnect-max-ms: 5000}\n").coordinator().orElseThrow())
        .isEqualTo(new OutboundLink(new org.fedstats.common.HostPort("10.0.0.1", 7051), "fed-coordinator",
            Duration.ofMillis(50), Duration.ofSeconds(5)));
    assertThat(load("node-id: site1\ninsecure: true\nlisten: 127.0.0.1:7051\n").coordinator()).isEmpty();
    assertThatThrownBy(() -> load("node-id: site1\ninsecure: true\nlisten: 127.0.0.1:7051\n"
        + "coordinator: {address: c:7051}\n"))
        .isInstanceOf(StartupException.class).hasMessageContaining("either coordinator").hasMessageContaining("not both");
    assertThatThrownBy(() -> load("node-id: site1\ninsecure: true\ncoordinator: {name: c}\n"))
        .hasMessageContaining("coordinator: address");
    assertThatThrownBy(() -> load("node-id: site1\ninsecure: true\ncoordinator: {address: c:1, reconnect-min-ms: 500, "
        + "reconnect-max-ms: 100}\n")).hasMessageContaining("reconnect-min-ms must be positive and at most");
  }

  @Test
  void theOverlapRuleFollowsTheCellCountUnlessSetAndIsOnUnlessTurnedOff() throws Exception {
    String variables = "    variables: [{name: a, type: integer}]\n";
    NodeSettings settings = load("""
        node-id: site1
        insecure: true
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
    assertThat(load("node-id: site1\ninsecure: true\nstate-dir: /var/lib/fedstats/state\n").stateDir())
        .isEqualTo(Path.of("/var/lib/fedstats/state"));
    assertThatThrownBy(() -> load("node-id: site1\ndisclosure: {overlap-min-difference: 0}\n"))
        .hasMessageEndingWith("overlap-min-difference must be at least 1, not 0");
    // The combination check: on by default over the last 64 sets, off with 0, bounded.
    assertThat(settings.dataset("own").orElseThrow().policy().overlapCombinations()).isEqualTo(64);
    assertThat(load("node-id: site1\ninsecure: true\ndisclosure: {overlap-combinations: 0}\n").datasets()).isEmpty();
    assertThatThrownBy(() -> load("node-id: site1\ninsecure: true\ndisclosure: {overlap-combinations: 2000}\n"))
        .hasMessageEndingWith("overlap-combinations must be 0 (off) to 1024, not 2000");
  }

  @Test
  void theDocumentedExampleLoads() throws Exception {
    String readme = Files.readString(DEPLOY.resolve("README.md"));
    int example = readme.indexOf("```yaml", readme.indexOf("### Node configuration reference"));
    String yaml = readme.substring(readme.indexOf('\n', example) + 1, readme.indexOf("```", example + 7));
    NodeSettings settings = load(yaml);
    assertThat(settings.coordinator()).contains(OutboundLink.to(new org.fedstats.common.HostPort(
        "coordinator.federation.example", 7051)));
    assertThat(settings.tls()).contains(TlsFiles.inFolder(Path.of("/etc/fedstats/tls"), "site1")
        .withRefresh(Duration.ofSeconds(60)));
    assertThat(settings.datasets().getFirst().limits()).isEqualTo(new QueryLimits(60, 500));
    assertThat(settings.datasets().getFirst().policy().siteResults()).isEqualTo(SiteResults.POOLED_ONLY);
    assertThat(settings.datasets().getFirst().policy().review())
        .isEqualTo(new ReviewPolicy(Set.of(DisclosureRule.MIN_CELL_COUNT), Set.of("table"), false));
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
    assertThat(load("node-id: site1\ninsecure: true\n").operations())
        .isEqualTo(org.fedstats.common.ops.Operations.DEFAULT);
    NodeSettings settings = load("node-id: site1\ninsecure: true\nmetrics-listen: 127.0.0.1:9464\n"
        + "shutdown-grace-ms: 20000\n");
    assertThat(settings.operations().metricsListen()).contains(new org.fedstats.common.HostPort("127.0.0.1", 9464));
    assertThat(settings.operations().shutdownGrace()).isEqualTo(java.time.Duration.ofSeconds(20));
    assertThatThrownBy(() -> load("node-id: site1\ninsecure: true\nmetrics-listen: 9464\n"))
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

  @Test
  void theKeysAreReadRelativeToTheConfigurationWithTheirDefaults() throws Exception {
    assertThat(load("node-id: site1\ninsecure: true\n").access()).isEqualTo(AccessSettings.DEFAULT);
    AccessSettings a = load("""
        node-id: site1
        insecure: true
        approvals: approvals.yaml
        identity: {require-statement: true, ca: pki/ca.crt, crl: pki/crl.pem, coordinator: coord-a,
                   clock-skew-seconds: 5}
        """).access();
    assertThat(a).isEqualTo(new AccessSettings(Optional.of(true), Optional.of(tmp.resolve("pki/ca.crt")),
        Optional.of(tmp.resolve("pki/crl.pem")), Optional.of("coord-a"), Duration.ofSeconds(5),
        Optional.of(tmp.resolve("approvals.yaml"))));
    assertThatThrownBy(() -> load("node-id: site1\ninsecure: true\nidentity: {require-statment: true}\n"))
        .isInstanceOf(StartupException.class).hasMessageContaining("did you mean 'require-statement'");
  }

  @Test
  void theDemoSitesApproveTheDemoStudyForEveryAnalysisTheyAllow() throws Exception {
    for (int site = 1; site <= 3; site++) {
      NodeSettings settings = NodeConfigLoader.load(DEPLOY.resolve("demo/node-site" + site + ".yaml"));
      assertThat(settings.access().approvals()).contains(DEPLOY.resolve("demo/approvals.yaml"));
      Approvals approvals = Approvals.read(settings.access().approvals().get());
      LocalDate today = LocalDate.now();
      settings.datasets().forEach(d -> d.analyses().forEach(analysis -> assertThat(approvals.denial(
          "demo-study", "alice", d.name(), analysis, settings.nodeId(), today)).isEmpty()));
      assertThat(approvals.denial("other-study", "alice", "colon", "count", settings.nodeId(), today)).isPresent();
    }
  }

  @Test
  void jdbcDatasetsNameWhereThePasswordIsAndTheirRowIdColumn() throws Exception {
    String dataset = "node-id: site1\ninsecure: true\ndatasets:\n  - name: colon\n    jdbc: {%s}\n"
        + "    variables: [{name: age, type: integer}]\n";
    String ok = "url: 'jdbc:postgresql://db.hospital.example:5432/research', view: research.colon_export, "
        + "user: fedstats_node, password-file: secrets/pg, statement-timeout-ms: 5000, row-id: record_no";
    assertThat(load(dataset.formatted(ok)).datasets().getFirst().source()).isEqualTo(new JdbcSource(
        "jdbc:postgresql://db.hospital.example:5432/research", List.of("research", "colon_export"), "fedstats_node",
        new JdbcSource.PasswordFile(tmp.resolve("secrets/pg")), Duration.ofSeconds(5), "record_no"));
    assertThat(load(dataset.formatted(ok.replace("password-file: secrets/pg", "password-env: PGPASS")
        .replace(", statement-timeout-ms: 5000", ""))).datasets().getFirst().source())
        .isEqualTo(new JdbcSource("jdbc:postgresql://db.hospital.example:5432/research",
            List.of("research", "colon_export"), "fedstats_node", new JdbcSource.PasswordEnv("PGPASS"),
            JdbcSource.DEFAULT_STATEMENT_TIMEOUT, "record_no"));
    assertThatThrownBy(() -> load(dataset.formatted(ok.replace(", row-id: record_no", ""))))
        .hasMessageContaining("needs row-id");
    assertThat(((JdbcSource) load(dataset.formatted(ok + ", pool-size: 8")).datasets().getFirst().source())
        .poolSize()).isEqualTo(8);
    assertThatThrownBy(() -> load(dataset.formatted(ok + ", pool-size: 0")))
        .hasMessageContaining("jdbc.pool-size must be from 1 to 64, not 0");
    assertThatThrownBy(() -> load(dataset.formatted(ok.replace("research', ", "research?password=x', "))))
        .hasMessageContaining("jdbc.url must not hold a password");
    assertThatThrownBy(() -> load(dataset.formatted(ok.replace("password-file: secrets/pg, ", ""))))
        .hasMessageContaining("needs either password-file or password-env");
    assertThatThrownBy(() -> load(dataset.formatted(ok.replace("view: research.colon_export",
        "view: \"colon; drop table x\"")))).hasMessageContaining("jdbc.table is a table or view name");
    assertThatThrownBy(() -> load(dataset.formatted(ok.replace("jdbc:postgresql:", "jdbc:mysql:"))))
        .hasMessageContaining("PostgreSQL JDBC URL");
    assertThatThrownBy(() -> load(dataset.formatted(ok).replace("    jdbc:", "    database: x.duckdb\n    jdbc:")))
        .hasMessageContaining("database apply only to files and DuckDB tables, not jdbc");
  }
}
