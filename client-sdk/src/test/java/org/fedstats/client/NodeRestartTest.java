package org.fedstats.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.fedstats.client.analysis.count.Count;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.SiteOutcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail fast, recover fast, over real Netty on 127.0.0.1: a stopped node is skipped at once (partial) or named at
 * once (strict), and a restarted node is back in pooled answers within a second of listening again.
 */
class NodeRestartTest {
  /** The target: from "node listening" to "first pooled answer including it". */
  private static final long REJOIN_TARGET_MS = 1000;

  @Test
  void aStoppedNodeIsSkippedAtOnceAndARestartedNodeRejoinsWithinASecond(@TempDir Path tmp) throws Exception {
    try (NettyFederation federation = new NettyFederation(tmp, site -> SharedData.colonDataset(site, "count", ""));
        FederationClient client = FederationClient.connect(federation.address(), "tester", Duration.ofSeconds(30))) {
      assertThat(client.dataset("colon").count().pooledOrThrow().count()).isEqualTo(929);

      federation.nodes.get(1).close();
      Results.Result<Count> strict = client.dataset("colon").count();
      assertThat(strict.sites().get(1).status()).isEqualTo(SiteOutcome.Status.FAILED);
      assertThat(strict.pooled()).isEmpty();

      // Now known to be down: both kinds of request are answered without waiting for it.
      long start = System.nanoTime();
      Results.Result<Count> partial = client.dataset("colon").allowPartial().count();
      Results.Result<Count> strictAgain = client.dataset("colon").count();
      long skipMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(partial.pooledOrThrow().count()).isEqualTo(309 + 310);
      assertThat(partial.note()).contains("site2 failed: UNAVAILABLE node site2 is down since");
      assertThat(strictAgain.pooled()).isEmpty();
      assertThat(strictAgain.note()).contains("not asked until a health probe succeeds");
      assertThat(skipMs).as("two requests while site2 is down").isLessThan(REJOIN_TARGET_MS);

      federation.restart(1);
      long listening = System.nanoTime();
      Optional<Count> pooled = Optional.empty();
      long deadline = listening + Duration.ofSeconds(10).toNanos();
      while (pooled.isEmpty() && System.nanoTime() < deadline) {
        pooled = client.dataset("colon").count().pooled();
        if (pooled.isEmpty()) {
          Thread.sleep(10);
        }
      }
      long rejoinMs = (System.nanoTime() - listening) / 1_000_000;
      assertThat(pooled).as("site2 rejoined").isPresent();
      assertThat(pooled.get().count()).isEqualTo(929);
      Files.createDirectories(Path.of("target"));
      Files.writeString(Path.of("target", "node-rejoin.txt"), "node listening -> first pooled answer including it: "
          + rejoinMs + " ms; two requests while it was down: " + skipMs + " ms\n");
      assertThat(rejoinMs).as("from node listening to the first pooled answer including it")
          .isLessThanOrEqualTo(REJOIN_TARGET_MS);
    }
  }
}
