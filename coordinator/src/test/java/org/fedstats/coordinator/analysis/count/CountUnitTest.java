package org.fedstats.coordinator.analysis.count;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountAnalysis;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.SummaryResult;
import org.junit.jupiter.api.Test;

class CountUnitTest {
  private static final Analysis COUNT = Analysis.newBuilder().setCount(CountAnalysis.getDefaultInstance()).build();
  private final CountUnit unit = new CountUnit();

  private static AnalysisResult count(long n) {
    return AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(n)).build();
  }

  @Test
  void countsAdd() {
    assertThat(unit.combine(COUNT, List.of(count(10), count(20), count(33))).getCount().getCount()).isEqualTo(63);
  }

  @Test
  void aSumBeyondTheRangeOfACountIsAnErrorNotAWrappedValue() {
    assertThatThrownBy(() -> unit.combine(COUNT, List.of(count(Long.MAX_VALUE - 1), count(10))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds");
  }

  @Test
  void aSiteMustAnswerANonNegativeCount() {
    assertThat(unit.problem(COUNT, Optional.empty(), count(3))).isEmpty();
    assertThat(unit.problem(COUNT, Optional.empty(), count(-5))).contains("a negative count");
    assertThat(unit.problem(COUNT, Optional.empty(),
        AnalysisResult.newBuilder().setSummary(SummaryResult.getDefaultInstance()).build()))
        .contains("a summary result was sent for a count request");
    assertThat(unit.problem(COUNT, Optional.empty(), AnalysisResult.getDefaultInstance()))
        .contains("an empty result was sent for a count request");
  }
}
