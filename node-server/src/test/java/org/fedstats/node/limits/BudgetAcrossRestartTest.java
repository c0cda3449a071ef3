package org.fedstats.node.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.testing.ServedSite;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.CountAnalysis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node's query budgets, asked over gRPC/Netty on 127.0.0.1, before and after the node restarts. */
class BudgetAcrossRestartTest {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();

  @TempDir
  Path tmp;

  private NodeSettings settings() {
    return SharedData.node(tmp, "site1", SharedData.colonDataset(1, "count", "").replace("    analyses: [",
        "    limits: {queries-per-hour: 2}\n    analyses: ["));
  }

  private static void assertExhausted(ServedSite site) {
    assertThatThrownBy(() -> site.ask(null, COUNT)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
      assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(e.getStatus().getDescription()).contains("rule queries-per-hour = 2");
    });
  }

  @Test
  void aRestartDoesNotResetABudget() throws Exception {
    try (ServedSite site = ServedSite.start(settings())) {
      assertThat(site.ask(null, COUNT).hasResult()).isTrue();
      assertThat(site.ask(null, COUNT).hasResult()).isTrue();
      assertExhausted(site);
    }
    try (ServedSite restarted = ServedSite.start(settings())) {
      assertExhausted(restarted);
      // Another researcher's budget is their own.
      assertThat(restarted.ask("bob", null, COUNT).hasResult()).isTrue();
    }
  }
}
