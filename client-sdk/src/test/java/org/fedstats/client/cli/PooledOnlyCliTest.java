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

/** How the command line shows sites whose nodes keep their values for pooling only (sites 2 and 3 here). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PooledOnlyCliTest {
  private AutoCloseable federation;
  private String address;

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    var f = NettyFederationAccess.start(tmp, site -> SharedData.colonDataset(site, "count, table",
        site == 1 ? "" : "site-results: pooled-only"));
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
  void textSaysTheSiteValuesAreWithheldAndShowsThePooledValue() {
    FedstatsCliTest.Run r = cli("count", "colon");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).contains("site1    answered  count = 309")
        .containsPattern("site2    answered  \\(site values withheld: pooled-only\\)  \\[[0-9.]+ ms\\]")
        .containsPattern("site3    answered  \\(site values withheld: pooled-only\\)  \\[")
        .contains("pooled   count = 929");
  }

  @Test
  void csvLeavesTheValuesEmptyWithTheReasonAsNote() {
    FedstatsCliTest.Run r = cli("--format", "csv", "table", "colon", "rx");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).containsPattern("(?m)^site2,ANSWERED,(,)*,site values withheld: pooled-only$")
        .contains("site1,ANSWERED,");
  }
}
