package org.fedstats.coordinator.federation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.DatasetState;
import org.fedstats.proto.v1.NodeInfo;
import org.fedstats.proto.v1.VariableInfo;
import org.junit.jupiter.api.Test;

/** Drift between nodes holding the same dataset: a policy hash or declaration unlike the others'. */
class DriftTest {
  private static NodeInfo node(String id, String policy, String dataVersion, String... analyses) {
    return NodeInfo.newBuilder().setNodeId(id)
        .addDatasets(DatasetInfo.newBuilder().setName("colon").addAllAnalyses(java.util.List.of(analyses))
            .addVariables(VariableInfo.newBuilder().setName("age")))
        .addDatasetStates(DatasetState.newBuilder().setDataset("colon").setPolicyHash(policy)
            .setDataVersion(dataVersion))
        .build();
  }

  @Test
  void theNodeWhosePolicyDiffersFromTheOthersIsFlaggedNotTheOthers() {
    Map<String, NodeInfo> infos = new LinkedHashMap<>();
    infos.put("site1", node("site1", "aaaaaaaaaaaaaaaa", "v1", "count"));
    infos.put("site2", node("site2", "bbbbbbbbbbbbbbbb", "v2", "count"));
    infos.put("site3", node("site3", "aaaaaaaaaaaaaaaa", "v3", "count"));
    assertThat(Drift.of(infos)).singleElement().satisfies(f -> {
      assertThat(f.node()).isEqualTo("site2");
      assertThat(f.policy()).isTrue();
      assertThat(f.text()).isEqualTo("serves colon under another policy than site1, site3 (policy hash bbbbbbbbbbbb, "
          + "theirs aaaaaaaaaaaa)");
    });
  }

  @Test
  void differentDataIsNotDriftButADifferentDeclarationIs() {
    Map<String, NodeInfo> infos = new LinkedHashMap<>();
    infos.put("site1", node("site1", "aaaa", "v1", "count"));
    infos.put("site2", node("site2", "aaaa", "v2", "count"));
    assertThat(Drift.of(infos)).isEmpty();
    infos.put("site3", node("site3", "aaaa", "v3", "count", "summary"));
    assertThat(Drift.of(infos)).singleElement().satisfies(f -> {
      assertThat(f.node()).isEqualTo("site3");
      assertThat(f.policy()).isFalse();
      assertThat(f.text()).contains("allows analyses [count, summary] on colon, node site1 allows [count]");
    });
  }

  @Test
  void onATieTheFirstNodesPolicyIsTheReference() {
    Map<String, NodeInfo> infos = new LinkedHashMap<>();
    infos.put("site1", node("site1", "bbbb", "v1", "count"));
    infos.put("site2", node("site2", "aaaa", "v2", "count"));
    assertThat(Drift.of(infos)).extracting(Drift.Finding::node).containsExactly("site2");
  }
}
