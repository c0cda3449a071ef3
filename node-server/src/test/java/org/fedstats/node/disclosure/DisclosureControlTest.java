package org.fedstats.node.disclosure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class DisclosureControlTest {
  private final DisclosurePolicy policy = DisclosurePolicy.DEFAULT;

  @Test
  void cohortOfNineIsRefusedAndTenIsReleased() {
    assertThat(DisclosureControl.checkCohort(policy, 9, 500)).get()
        .satisfies(r -> {
          assertThat(r.rule()).isEqualTo(DisclosureRule.MIN_COHORT_SIZE);
          assertThat(r.threshold()).isEqualTo(10);
          assertThat(r.reason()).doesNotContain("9");
        });
    assertThat(DisclosureControl.checkCohort(policy, 10, 500)).isEmpty();
    assertThat(DisclosureControl.checkCohort(policy, 0, 500)).isPresent();
  }

  @Test
  void complementOfNineIsRefusedButAWholeDatasetIsNot() {
    assertThat(DisclosureControl.checkCohort(policy, 491, 500)).get()
        .extracting(Refusal::rule).isEqualTo(DisclosureRule.MIN_COMPLEMENT_SIZE);
    assertThat(DisclosureControl.checkCohort(policy, 499, 500)).isPresent();
    assertThat(DisclosureControl.checkCohort(policy, 490, 500)).isEmpty();
    assertThat(DisclosureControl.checkCohort(policy, 500, 500)).isEmpty();
  }

  @Test
  void anyNonZeroCellBelowTheThresholdRefusesTheWholeOutput() {
    assertThat(DisclosureControl.checkCells(policy, "table cell", LongStream.of(120, 1, 300))).get()
        .satisfies(r -> {
          assertThat(r.rule()).isEqualTo(DisclosureRule.MIN_CELL_COUNT);
          assertThat(r.reason()).contains("table cell").doesNotContain(" 1 ");
        });
    assertThat(DisclosureControl.checkCells(policy, "histogram bin", LongStream.of(3))).isPresent();
    assertThat(DisclosureControl.checkCells(policy, "table cell", LongStream.of(0, 10, 0, 11))).isEmpty();
  }

  @Test
  void summaryNeedsTenValues() {
    assertThat(DisclosureControl.checkSummaryN(policy, 9)).get()
        .extracting(Refusal::rule).isEqualTo(DisclosureRule.MIN_SUMMARY_N);
    assertThat(DisclosureControl.checkSummaryN(policy, 10)).isEmpty();
  }

  @Test
  void thresholdsAreConfigurableButNeverBelowOne() {
    DisclosurePolicy strict = policy.with(new DisclosurePolicy.Overrides(null, 20, 5, null));
    assertThat(strict).isEqualTo(new DisclosurePolicy(10, 20, 5, 10));
    assertThat(DisclosureControl.checkCells(strict, "table cell", LongStream.of(5))).isEmpty();
    assertThat(DisclosureControl.checkCohort(strict, 485, 500)).isPresent();
    assertThatThrownBy(() -> policy.with(new DisclosurePolicy.Overrides(0, null, null, null)))
        .hasMessageContaining("min-cohort-size must be at least 1");
  }
}
