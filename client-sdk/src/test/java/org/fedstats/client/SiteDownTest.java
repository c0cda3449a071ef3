package org.fedstats.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.fedstats.client.analysis.count.Count;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.NodeStatus;
import org.fedstats.proto.v1.SiteOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node that goes down mid-life, over real Netty: reported per site, never pooled over silently. */
class SiteDownTest {
  @Test
  void aStoppedNodeIsReportedAndPartialPoolingIsExplicit(@TempDir Path tmp) throws Exception {
    try (NettyFederation federation = new NettyFederation(tmp, site -> SharedData.colonDataset(site, "count", ""));
        FederationClient client = FederationClient.connect(federation.address(), "tester", Duration.ofSeconds(30))) {
      assertThat(client.dataset("colon").count().pooledOrThrow().count()).isEqualTo(929);

      federation.nodes.get(2).close();

      Results.Result<Count> result = client.dataset("colon").count();
      Results.Site<Count> site3 = result.sites().get(2);
      assertThat(site3.nodeId()).isEqualTo("site3");
      assertThat(site3.status()).isEqualTo(SiteOutcome.Status.FAILED);
      assertThat(site3.errorCode()).isEqualTo("UNAVAILABLE");
      assertThat(result.pooled()).isEmpty();
      assertThat(result.note()).contains("1 of 3 sites did not answer").contains("site3 failed: UNAVAILABLE");

      Results.Result<Count> partial = client.dataset("colon").allowPartial().count();
      assertThat(partial.pooledOrThrow().count()).isEqualTo(309 + 310);
      assertThat(partial.pooledOver()).containsExactly("site1", "site2");
      assertThat(partial.note()).startsWith("PARTIAL: pooled over 2 of 3 sites");

      NodeStatus down = client.nodes().get(2);
      assertThat(down.getReachable()).isFalse();
      assertThat(down.getLastError()).startsWith("UNAVAILABLE");
      assertThat(client.nodes().get(0).getReachable()).isTrue();
    }
  }
}
