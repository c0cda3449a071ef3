package org.fedstats.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.fedstats.client.NettyFederationAccess;
import org.fedstats.node.testing.SharedData;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the command line shows sites whose nodes add noise, over Netty: site 1 perturbs colon's counts by cell key,
 * site 2 releases them under differential privacy, site 3 exactly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NoisyNodesCliTest {
  private AutoCloseable federation;
  private String address;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    var f = NettyFederationAccess.start(tmp, site -> SharedData.colonDataset(site, "count, table", "")
        + switch (site) {
          case 1 -> "    noise: {mode: cell-key}\n";
          case 2 -> "    noise: {mode: dp-laplace, epsilon-per-query: 0.25, budget: {epsilon: 0.5}}\n";
          default -> "";
        });
    federation = f;
    address = NettyFederationAccess.address(f);
  }

  @AfterAll
  void stop() throws Exception {
    if (federation != null) {
      federation.close();
    }
  }

  private FedstatsCliTest.Run cli(String... args) {
    return FedstatsCliTest.against(address, args);
  }

  @Test
  void eachPerturbedSiteHasOneLineSayingHowAndThePooledNoteSaysSo() {
    FedstatsCliTest.Run r = cli("count", "colon");
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("           perturbed: cell-key, each count by at most 3 (the same records always give the same "
            + "count)\n  site2")
        .contains("           perturbed: dp-laplace, spent epsilon 0.25 delta 0, left epsilon 0.25 delta 0\n  site3")
        .containsOnlyOnce("perturbed: cell-key").containsOnlyOnce("perturbed: dp-laplace")
        .contains("it rests on perturbed site values (site1: cell-key, site2: dp-laplace)");
    // A new connection each time: the budget is the researcher's, not the connection's.
    cli("count", "colon");
    // Site 2's budget is spent: it refuses, naming the rule.
    assertThat(cli("count", "colon").out()).contains("site2    REFUSED   rule privacy-budget (threshold 0): the "
        + "release would spend epsilon 0.25 of the researcher's privacy budget on this dataset (epsilon 0.5), of "
        + "which epsilon 0 is left");
  }
}
