package org.fedstats.coordinator.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.fedstats.pki.tls.TlsConfig;
import org.fedstats.pki.tls.TlsFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A coordinator's configuration file asks for mutual TLS, or says that plaintext is intended; nothing is implied. */
class CoordinatorTransportTest {
  private static final String NODES = "nodes:\n  - {id: site1, address: \"127.0.0.1:7051\"}\n";

  @TempDir
  Path tmp;

  private CoordinatorSettings load(String yaml) throws IOException {
    return CoordinatorSettings.load(Files.writeString(tmp.resolve("coordinator.yaml"), yaml + NODES));
  }

  @Test
  void withoutTlsOrInsecureTheCoordinatorDoesNotStartAndSaysWhatToAdd() {
    assertThatThrownBy(() -> load("listen: 127.0.0.1:0\n")).isInstanceOf(IOException.class)
        .hasMessage("invalid coordinator configuration " + tmp.resolve("coordinator.yaml") + ": "
            + TlsConfig.NO_TRANSPORT);
  }

  @Test
  void insecureIsPlaintext() throws IOException {
    assertThat(load("insecure: true\n").tls()).isEmpty();
  }

  @Test
  void tlsNamesTheFolderAndHowOftenItsFilesAreLookedAt() throws IOException {
    assertThat(load("tls: {dir: pki/coordinator, name: coordinator, refresh-seconds: 5}\n").tls())
        .contains(TlsFiles.inFolder(tmp.resolve("pki/coordinator"), "coordinator").withRefresh(Duration.ofSeconds(5)));
    assertThat(load("tls: {dir: pki/coordinator, name: coordinator}\n").tls().orElseThrow().refresh())
        .isEqualTo(TlsFiles.DEFAULT_REFRESH);
  }
}
