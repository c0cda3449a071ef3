package org.fedstats.coordinator.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.fedstats.common.HostPort;
import org.fedstats.common.ops.Operations;
import org.fedstats.coordinator.config.CoordinatorSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coordinator's metrics port and shutdown grace, as its configuration file gives them. */
class OperationsKeysTest {
  @TempDir
  Path tmp;

  private CoordinatorSettings load(String yaml) throws Exception {
    Path file = tmp.resolve("coordinator.yaml");
    Files.writeString(file, "insecure: true\nnodes: [{id: site1, address: \"127.0.0.1:1\"}]\n" + yaml);
    return CoordinatorSettings.load(file);
  }

  @Test
  void metricsAreOffAndTheGraceIsFiveSecondsUnlessConfigured() throws Exception {
    assertThat(load("").operations()).isEqualTo(Operations.DEFAULT);
    assertThat(Operations.DEFAULT.shutdownGrace()).isEqualTo(Duration.ofSeconds(5));
    CoordinatorSettings settings = load("metrics-listen: \"[::1]:9464\"\nshutdown-grace-ms: 30000\n");
    assertThat(settings.operations()).isEqualTo(new Operations(java.util.Optional.of(new HostPort("::1", 9464)),
        Duration.ofSeconds(30)));
    assertThatThrownBy(() -> load("shutdown-grace-ms: -5\n")).hasMessageContaining(
        "shutdown-grace-ms must be 0 or more, not -5");
  }
}
