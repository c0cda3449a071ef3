package org.fedstats.coordinator.analysis.histogram;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.HistogramAnalysis;
import org.fedstats.proto.v1.HistogramResult;
import org.junit.jupiter.api.Test;

class HistogramUnitTest {
  private static final Analysis HISTOGRAM = Analysis.newBuilder().setHistogram(HistogramAnalysis.newBuilder()
      .setVariable("time").addAllBreaks(List.of(0.0, 1.0, 2.0))).build();
  private final HistogramUnit unit = new HistogramUnit();

  private static AnalysisResult result(HistogramResult h) {
    return AnalysisResult.newBuilder().setHistogram(h).build();
  }

  @Test
  void histogramsAddBinByBinAndRefuseDifferentBreaks() {
    HistogramResult a = HistogramResult.newBuilder().addAllBreaks(List.of(0.0, 1.0, 2.0)).addCounts(10).addCounts(20)
        .setBelow(0).setAbove(11).setMissing(12).build();
    HistogramResult b = a.toBuilder().setCounts(0, 15).build();
    HistogramResult p = unit.combine(HISTOGRAM, List.of(result(a), result(b))).getHistogram();
    assertThat(p.getCountsList()).containsExactly(25L, 40L);
    assertThat(p.getAbove()).isEqualTo(22);
    assertThat(p.getMissing()).isEqualTo(24);
    HistogramResult other = a.toBuilder().setBreaks(1, 1.5).build();
    assertThatThrownBy(() -> unit.combine(HISTOGRAM, List.of(result(a), result(other))))
        .hasMessageContaining("different breaks");
  }

  @Test
  void aSiteHistogramMustHaveTheRequestedBreaks() {
    HistogramResult good = HistogramResult.newBuilder().addAllBreaks(List.of(0.0, 1.0, 2.0)).addCounts(1)
        .addCounts(2).build();
    assertThat(unit.problem(HISTOGRAM, Optional.empty(), result(good))).isEmpty();
    assertThat(unit.problem(HISTOGRAM, Optional.empty(), result(good.toBuilder().setBreaks(2, 3.0).build())))
        .contains("a histogram with other breaks than requested");
  }
}
