package org.fedstats.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** The coordinator and nodes these tests start log each request at INFO; the build shows only their warnings. */
class QuietTestsTest {
  @Test
  void serversInTheseTestsLogOnlyWarnings() {
    assertThat(System.getProperty("java.util.logging.config.file")).endsWith("logging.properties");
    Logger coordinator = Logger.getLogger("org.fedstats.coordinator.service.FederationGrpcService");
    assertThat(coordinator.isLoggable(Level.INFO)).isFalse();
    assertThat(coordinator.isLoggable(Level.WARNING)).isTrue();
    assertThat(Logger.getLogger("org.fedstats.node.service.NodeGrpcService").isLoggable(Level.INFO)).isFalse();
  }
}
