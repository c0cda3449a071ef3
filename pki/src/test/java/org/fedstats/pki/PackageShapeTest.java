package org.fedstats.pki;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.fedstats.common.testing.PackageGraph;
import org.junit.jupiter.api.Test;

/** The CA (run by its operator) and the TLS pieces (run by every member) share only the basics, not each other. */
class PackageShapeTest {
  private static final String PKI = "org.fedstats.pki";
  private static final PackageGraph GRAPH = PackageGraph.of(Path.of("target", "classes"), PKI);

  @Test
  void theCaAndTheTlsPiecesDoNotKnowEachOther() {
    assertThat(GRAPH.packages()).contains(PKI + ".ca", PKI + ".tls");
    assertThat(GRAPH.cycles()).isEmpty();
    assertThat(GRAPH.uses(PKI + ".ca")).doesNotContain(PKI + ".tls");
    assertThat(GRAPH.uses(PKI + ".tls")).doesNotContain(PKI + ".ca");
    assertThat(GRAPH.uses(PKI)).isEmpty();
  }
}
