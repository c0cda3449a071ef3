package org.fedstats.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.fedstats.client.Analyses;
import org.fedstats.client.analysis.Unit;
import org.fedstats.node.analysis.LocalAnalysis;
import org.fedstats.node.analysis.registry.LocalAnalyses;
import org.fedstats.proto.v1.Analysis;
import org.junit.jupiter.api.Test;

/**
 * An analysis is one unit on each side of the federation: a node step, a coordinator combine and a researcher view,
 * each in a package named after the analysis in its own deployable (a node ships no researcher or coordinator code).
 * This checks across the three that every analysis of the contract has all three sides, under one name.
 */
class AnalysisUnitsCompleteTest {
  private static final List<Analysis.KindCase> KINDS = Arrays.stream(Analysis.KindCase.values())
      .filter(k -> k != Analysis.KindCase.KIND_NOT_SET).toList();

  @Test
  void everyAnalysisOfTheContractHasANodeStepACombineAndAView() {
    org.fedstats.coordinator.analysis.registry.Analyses coordinator =
        org.fedstats.coordinator.analysis.registry.Analyses.builtIn();
    for (Analysis.KindCase kind : KINDS) {
      List<LocalAnalysis<?>> node = LocalAnalyses.all().stream().filter(a -> a.kind() == kind).toList();
      List<Unit<?>> client = Analyses.all().stream().filter(u -> u.kind() == kind).toList();
      assertThat(node).as("node steps for %s", kind).hasSize(1);
      assertThat(client).as("researcher views for %s", kind).hasSize(1);
      assertThat(coordinator.of(kind)).as("coordinator combine for %s", kind).isPresent();
      assertThat(client.get(0).name()).as("the CLI command and the node's allow-list name of %s", kind)
          .isEqualTo(node.get(0).id());
    }
  }

  @Test
  void eachSideKeepsAnAnalysisInOnePackageNamedAfterIt() {
    org.fedstats.coordinator.analysis.registry.Analyses coordinator =
        org.fedstats.coordinator.analysis.registry.Analyses.builtIn();
    for (LocalAnalysis<?> node : LocalAnalyses.all()) {
      String name = node.id();
      assertThat(node.getClass().getPackageName()).isEqualTo("org.fedstats.node.analysis." + name);
      assertThat(coordinator.of(node.kind()).orElseThrow().getClass().getPackageName())
          .isEqualTo("org.fedstats.coordinator.analysis." + name);
      Unit<?> client = Analyses.all().stream().filter(u -> u.kind() == node.kind()).findFirst().orElseThrow();
      assertThat(client.command().getPackageName()).isEqualTo("org.fedstats.client.analysis." + name);
    }
  }
}
