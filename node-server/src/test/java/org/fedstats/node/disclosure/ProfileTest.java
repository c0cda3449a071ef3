package org.fedstats.node.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProfileTest {
  private static DisclosurePolicy profile(String name) {
    return DisclosurePolicy.DEFAULT.with(DisclosurePolicy.Overrides.profile(name));
  }

  @Test
  void eachProfileSetsItsThresholds() {
    assertThat(profile("default")).isEqualTo(DisclosurePolicy.DEFAULT);
    DisclosurePolicy sacro = profile("sacro");
    assertThat(sacro.minCellCount()).isEqualTo(10);
    assertThat(sacro.minResidualDf()).isEqualTo(10);
    assertThat(sacro.rules()).isEqualTo(new OutputRules("sacro", 2, 90, 10, false, 0, 0, 1, 0));
    DisclosurePolicy ds = profile("DataSHIELD");
    assertThat(List.of(ds.minCellCount(), ds.minCohortSize(), ds.minSummaryN(), ds.maxParameterPercent()))
        .containsExactly(3, 3, 3, 33);
    assertThat(ds.rules().maxLevels()).isEqualTo(40);
    assertThat(ds.rules().maxLevelDensity()).isEqualTo(0.33);
    DisclosurePolicy os = profile("opensafely");
    assertThat(os.rules().roundTo()).isEqualTo(5);
    assertThat(os.rules().redactAtOrBelow()).isEqualTo(7);
    // Small cells pass to the rounding, but the overlap rule keeps its threshold of 10.
    assertThat(os.minCellCount()).isEqualTo(1);
    assertThat(os.minDifference()).isEqualTo(10);
    assertThatThrownBy(() -> profile("acro")).hasMessageContaining("unknown disclosure profile 'acro'")
        .hasMessageContaining("sacro, opensafely");
  }

  @Test
  void aProfileKeepsTheOverlapAndSiteResultChoicesItIsNotTheirsToSet() {
    DisclosurePolicy base = DisclosurePolicy.DEFAULT.with(new DisclosurePolicy.Overrides(null, null, null, null,
        null, null, null, 4, false, "pooled-only"));
    DisclosurePolicy sacro = base.with(DisclosurePolicy.Overrides.profile("sacro"));
    assertThat(sacro.overlapMinDifference()).isEqualTo(4);
    assertThat(sacro.overlapAudit()).isFalse();
    assertThat(sacro.siteResults()).isEqualTo(SiteResults.POOLED_ONLY);
  }

  @Test
  void dominanceAndPRatioFollowTheirDefinitions() {
    OutputRules sacro = profile("sacro").rules();
    // (2, 90 %): 89 + 0 of 100 passes, 85 + 5 of 100 does not.
    assertThat(Rules.checkMagnitude(sacro, new Released.Magnitude(100, 45, 44))).isEmpty();
    assertThat(Rules.checkMagnitude(sacro, new Released.Magnitude(100, 85, 5))).get()
        .extracting(Refusal::rule).isEqualTo(DisclosureRule.DOMINANCE);
    OutputRules pOnly = new OutputRules("x", 0, 0, 10, false, 0, 0, 1, 0);
    // p %: the rest (100 - 50 - 45 = 5) must be at least 10 % of the largest (5).
    assertThat(Rules.checkMagnitude(pOnly, new Released.Magnitude(100, 50, 45))).isEmpty();
    assertThat(Rules.checkMagnitude(pOnly, new Released.Magnitude(100, 51, 45))).get()
        .extracting(Refusal::rule).isEqualTo(DisclosureRule.P_RATIO);
    // All zeros, or nothing at all, is no magnitude.
    assertThat(Rules.checkMagnitude(sacro, new Released.Magnitude(0, 0, 0))).isEmpty();
    assertThat(Rules.checkMagnitude(OutputRules.DEFAULT, new Released.Magnitude(100, 100, 0))).isEmpty();
  }

  @Test
  void zerosAreDisclosiveOnlyWhenTheDatasetSaysSo() {
    var cells = List.<Released>of(new Released.Cells("table cell", new long[] {0, 12, 30}));
    assertThat(DisclosureControl.check(profile("sacro"), cells)).isEmpty();
    DisclosurePolicy zeros = DisclosurePolicy.DEFAULT.with(new DisclosurePolicy.Overrides(null, null, null, null,
        null, null, null, null, null, null, "sacro", null, null, null, true, null, null, null, null));
    assertThat(DisclosureControl.check(zeros, cells)).get().satisfies(r -> {
      assertThat(r.rule()).isEqualTo(DisclosureRule.ZEROS_DISCLOSIVE);
      assertThat(r.reason()).contains("profile sacro");
    });
    assertThat(DisclosureControl.check(zeros, List.of(new Released.Cells("table cell", new long[] {0, 0}))))
        .isEmpty();
  }

  @Test
  void badOutputRulesAreRefusedAtStartup() {
    assertThatThrownBy(() -> new OutputRules("x", 3, 90, 0, false, 0, 0, 1, 0)).hasMessageContaining("dominance-n");
    assertThatThrownBy(() -> new OutputRules("x", 2, 0, 0, false, 0, 0, 1, 0)).hasMessageContaining("dominance-k");
    assertThatThrownBy(() -> new OutputRules("x", 0, 0, 120, false, 0, 0, 1, 0)).hasMessageContaining("p-ratio");
    assertThatThrownBy(() -> new OutputRules("x", 0, 0, 0, false, 0, 2, 1, 0))
        .hasMessageContaining("max-level-density");
    assertThatThrownBy(() -> new OutputRules("x", 0, 0, 0, false, 0, 0, 0, 0)).hasMessageContaining("round-to");
  }

  @Test
  void midpointSixRoundingIsAProfileOptionThatRedactsNothing() {
    DisclosurePolicy.Overrides midpoint = new DisclosurePolicy.Overrides(null, null, null, null, null, null, null,
        null, null, null, "opensafely", null, null, null, null, null, null, null, null, null, "midpoint-6", null);
    OutputRules rules = DisclosurePolicy.DEFAULT.with(midpoint).rules();
    assertThat(rules.midpoint()).isTrue();
    assertThat(rules.roundTo()).isEqualTo(6);
    assertThat(rules.redactAtOrBelow()).isZero();
    // Midpoint rounding fixes its bin and redacts nothing: other values next to it are a mistake.
    DisclosurePolicy.Overrides withRoundTo = new DisclosurePolicy.Overrides(null, null, null, null, null, null, null,
        null, null, null, "opensafely", null, null, null, null, null, null, 5, null, null, "midpoint-6", null);
    assertThatThrownBy(() -> DisclosurePolicy.DEFAULT.with(withRoundTo)).hasMessageContaining("bins of 6");
    DisclosurePolicy.Overrides unknown = new DisclosurePolicy.Overrides(null, null, null, null, null, null, null,
        null, null, null, "opensafely", null, null, null, null, null, null, null, null, null, "midpoint-5", null);
    assertThatThrownBy(() -> DisclosurePolicy.DEFAULT.with(unknown)).hasMessageContaining("unknown rounding");
    assertThatThrownBy(() -> new OutputRules("x", 0, 0, 0, false, 0, 0, 5, 7, true))
        .hasMessageContaining("midpoint rounding");
  }
}
