package org.fedstats.coordinator.analysis.summary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.SummaryAnalysis;
import org.fedstats.proto.v1.SummaryResult;
import org.junit.jupiter.api.Test;

class SummaryUnitTest {
  private static final Analysis SUMMARY =
      Analysis.newBuilder().setSummary(SummaryAnalysis.newBuilder().setVariable("time")).build();
  private final SummaryUnit unit = new SummaryUnit();

  @Test
  void summariesPoolNAndMissing() {
    SummaryResult a = SummaryResult.newBuilder().setN(3).setMissing(1).setMean(2).setM2(2).build(); // 1,2,3
    SummaryResult b = SummaryResult.newBuilder().setN(2).setMissing(4).setMean(5).setM2(2).build(); // 4,6
    SummaryResult p = unit.combine(SUMMARY, List.of(result(a), result(b))).getSummary();
    assertThat(p.getN()).isEqualTo(5);
    assertThat(p.getMissing()).isEqualTo(5);
    assertThat(p.getMean()).isCloseTo(3.2, within(1e-15));
    assertThat(p.getVariance()).isCloseTo(3.7, within(1e-14)); // var(c(1,2,3,4,6)) in R
  }

  @Test
  void aSiteSummaryMustHaveNonNegativeCountsAndFiniteMoments() {
    assertThat(unit.problem(SUMMARY, Optional.empty(), result(SummaryResult.newBuilder().setN(3).setMean(2)
        .setM2(2).build()))).isEmpty();
    assertThat(unit.problem(SUMMARY, Optional.empty(), result(SummaryResult.newBuilder().setMissing(-1).build())))
        .hasValueSatisfying(p -> assertThat(p).contains("negative n or missing"));
    assertThat(unit.problem(SUMMARY, Optional.empty(), result(SummaryResult.newBuilder().setN(3).setMean(2)
        .setM2(-1).build()))).hasValueSatisfying(p -> assertThat(p).contains("not a finite number (or is negative)"));
  }

  private static AnalysisResult result(SummaryResult s) {
    return AnalysisResult.newBuilder().setSummary(s).build();
  }
}
