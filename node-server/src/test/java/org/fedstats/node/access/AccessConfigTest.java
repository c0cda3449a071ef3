package org.fedstats.node.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Optional;
import org.fedstats.node.config.NodeConfigLoader;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.config.StartupException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's identity and approvals keys as written, and the demo's approvals. */
class AccessConfigTest {
  private static final Path DEMO = Path.of("..", "deploy", "demo").toAbsolutePath().normalize();

  @TempDir
  Path tmp;

  private NodeSettings load(String yaml) throws Exception {
    Path file = tmp.resolve("node.yaml");
    Files.writeString(file, yaml);
    return NodeConfigLoader.load(file);
  }

  @Test
  void theKeysAreReadRelativeToTheConfigurationWithTheirDefaults() throws Exception {
    assertThat(load("node-id: site1\n").access()).isEqualTo(AccessSettings.DEFAULT);
    AccessSettings a = load("""
        node-id: site1
        approvals: approvals.yaml
        identity: {require-statement: true, ca: pki/ca.crt, crl: pki/crl.pem, coordinator: coord-a,
                   clock-skew-seconds: 5}
        """).access();
    assertThat(a).isEqualTo(new AccessSettings(Optional.of(true), Optional.of(tmp.resolve("pki/ca.crt")),
        Optional.of(tmp.resolve("pki/crl.pem")), Optional.of("coord-a"), Duration.ofSeconds(5),
        Optional.of(tmp.resolve("approvals.yaml"))));
    assertThatThrownBy(() -> load("node-id: site1\nidentity: {require-statment: true}\n"))
        .isInstanceOf(StartupException.class).hasMessageContaining("did you mean 'require-statement'");
  }

  @Test
  void aPlaintextNodeCannotRequireStatementsWithoutACa() {
    AccessSettings required = AccessSettings.DEFAULT.requiringStatements(true);
    assertThatThrownBy(() -> RequestAccess.open("site1", Optional.empty(), required, java.time.Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs the federation CA");
  }

  @Test
  void theDemoSitesApproveTheDemoStudyForEveryAnalysisTheyAllow() throws Exception {
    for (int site = 1; site <= 3; site++) {
      NodeSettings settings = NodeConfigLoader.load(DEMO.resolve("node-site" + site + ".yaml"));
      assertThat(settings.access().approvals()).contains(DEMO.resolve("approvals.yaml"));
      Approvals approvals = Approvals.read(settings.access().approvals().get());
      LocalDate today = LocalDate.now();
      settings.datasets().forEach(d -> d.analyses().forEach(analysis -> assertThat(approvals.denial(
          "demo-study", "demo", d.name(), analysis, settings.nodeId(), today)).isEmpty()));
      assertThat(approvals.denial("other-study", "demo", "colon", "count", settings.nodeId(), today)).isPresent();
    }
  }
}
