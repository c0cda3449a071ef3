package org.fedstats.node.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import org.fedstats.common.Contract;
import org.fedstats.node.audit.AuditLog;
import org.fedstats.node.config.NodeSettings;
import org.fedstats.node.disclosure.SiteResults;
import org.fedstats.node.overlap.OverlapAuditor;
import org.fedstats.node.store.DatasetStore;
import org.fedstats.node.testing.SharedData;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.Comparison;
import org.fedstats.proto.v1.ComparisonOperator;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.Filter;
import org.fedstats.proto.v1.NodeAnalysisRequest;
import org.fedstats.proto.v1.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dataset whose site-level results are for pooling only: the node says so with every answer. */
class PooledOnlyNodeTest {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();

  @TempDir
  Path tmp;

  private static NodeAnalysisRequest count(String dataset, Filter filter) {
    NodeAnalysisRequest.Builder b = NodeAnalysisRequest.newBuilder().setRequestId("r").setRequester("alice")
        .setDataset(dataset).setAnalysis(COUNT);
    return filter == null ? b.build() : b.setFilter(filter).build();
  }

  @Test
  void everyAnswerOfAPooledOnlyDatasetSaysSo() throws Exception {
    NodeSettings settings = SharedData.node(tmp, "site1", SharedData.colonDataset(1, "count",
        "site-results: pooled-only"), SharedData.infertDataset(1, "count", ""));
    assertThat(settings.dataset("colon").orElseThrow().policy().siteResults()).isEqualTo(SiteResults.POOLED_ONLY);
    assertThat(SiteResults.POOLED_ONLY.label()).isEqualTo(Contract.POOLED_ONLY);
    try (DatasetStore store = DatasetStore.open(settings.datasets());
        AuditLog audit = AuditLog.open(settings.auditLog())) {
      NodeGate gate = new NodeGate(settings, new AnalysisEngine(settings, store), audit,
          OverlapAuditor.open(settings.stateDir(), settings.datasets(), store::version), new SimpleMeterRegistry());
      NodeGate.Reply answered = gate.handle(count("colon", null), "test", Liveness.always());
      assertThat(answered.response().getResult().getCount().getCount()).isEqualTo(309);
      assertThat(answered.response().getPooledOnly()).isTrue();
      Filter few = Filter.newBuilder().setComparison(Comparison.newBuilder().setVariable("age")
          .setOp(ComparisonOperator.LT).setValue(Value.newBuilder().setNumber(25))).build();
      NodeGate.Reply refused = gate.handle(count("colon", few), "test", Liveness.always());
      assertThat(refused.response().hasRefusal()).isTrue();
      assertThat(refused.response().getPooledOnly()).isTrue();
      // Other datasets of the node show their results (the default).
      assertThat(gate.handle(count("infert", null), "test", Liveness.always()).response().getPooledOnly()).isFalse();
    }
  }

  @Test
  void anUnknownSettingIsAStartupError() {
    assertThatThrownBy(() -> SharedData.node(tmp, "site1", SharedData.colonDataset(1, "count",
        "site-results: hidden"))).hasMessageEndingWith("site-results must be shown or pooled-only, not 'hidden'");
  }
}
