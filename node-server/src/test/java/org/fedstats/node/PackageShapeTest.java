package org.fedstats.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.fedstats.common.testing.PackageGraph;
import org.junit.jupiter.api.Test;

/** The node's packages: no cycles; the analysis interface knows no unit; units know no transport and no config. */
class PackageShapeTest {
  private static final String NODE = "org.fedstats.node";
  private static final PackageGraph GRAPH = PackageGraph.of(Path.of("target", "classes"), NODE);

  @Test
  void packagesHaveNoCycles() {
    assertThat(GRAPH.packages()).contains(NODE + ".gate", NODE + ".analysis", NODE + ".config");
    assertThat(GRAPH.cycles()).isEmpty();
  }

  @Test
  void analysisUnitsKnowNeitherTheGateNorTheTransportNorTheConfiguration() {
    for (String pkg : GRAPH.packages()) {
      if (pkg.startsWith(NODE + ".analysis")) {
        assertThat(GRAPH.uses(pkg)).as(pkg).noneMatch(u -> u.startsWith(NODE + ".gate")
            || u.startsWith(NODE + ".service") || u.startsWith(NODE + ".config") || u.startsWith(NODE + ".audit"));
      }
    }
    assertThat(GRAPH.uses(NODE + ".analysis")).as("the SPI").noneMatch(u -> u.startsWith(NODE + ".analysis."));
  }
}
