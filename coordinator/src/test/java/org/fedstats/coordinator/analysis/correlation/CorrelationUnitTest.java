package org.fedstats.coordinator.analysis.correlation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Optional;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CorrelationAnalysis;
import org.fedstats.proto.v1.CorrelationResult;
import org.fedstats.proto.v1.CorrelationStats;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.stats.correlation.CoMoments;
import org.junit.jupiter.api.Test;

class CorrelationUnitTest {
  private static final Analysis COR = Analysis.newBuilder().setCorrelation(CorrelationAnalysis.newBuilder()
      .addVariables("x").addVariables("y")).build();
  private final CorrelationUnit unit = new CorrelationUnit();

  private static CorrelationStats.Builder stats(double[][] rows) {
    CoMoments m = CoMoments.of(List.of("x", "y"), rows);
    CorrelationStats.Builder b = CorrelationStats.newBuilder().setN(m.n()).addVariables("x").addVariables("y");
    for (int i = 0; i < 2; i++) {
      b.addMean(m.mean()[i]);
      for (int j = 0; j < 2; j++) {
        b.addComoment(m.comoments()[i][j]);
      }
    }
    return b;
  }

  private static AnalysisResult result(CorrelationStats.Builder s) {
    return AnalysisResult.newBuilder().setCorrelationStats(s).build();
  }

  @Test
  void pooledCoMomentsGiveTheCorrelationOfAllRows() {
    double[][] a = {{1, 2}, {2, 1}, {3, 5}};
    double[][] b = {{4, 3}, {5, 7}};
    CorrelationResult r = unit.combine(COR, List.of(result(stats(a)), result(stats(b)))).getCorrelation();
    // x = 1..5, y = 2, 1, 5, 3, 7: cov(x, y) = 12 / 4, var x = 10 / 4, var y = 23.2 / 4.
    assertThat(r.getPooled().getN()).isEqualTo(5);
    assertThat(r.getCovarianceList().get(1)).isCloseTo(3.0, within(1e-12));
    assertThat(r.getCovarianceList().get(0)).isCloseTo(2.5, within(1e-12));
    assertThat(r.getCovarianceList().get(3)).isCloseTo(5.8, within(1e-12));
    assertThat(r.getCorrelationList().get(1)).isCloseTo(3.0 / Math.sqrt(2.5 * 5.8), within(1e-12));
    assertThat(r.getCorrelationList().get(0)).isEqualTo(1.0);
    assertThat(r.getPValueList().get(0)).isNaN();
    assertThat(r.getPValueList().get(1)).isEqualTo(r.getPValueList().get(2)).isBetween(0.0, 1.0);
    assertThat(r.getPooled().getMeanList()).containsExactly(3.0, 3.6);
  }

  @Test
  void tooFewRowsCannotBeAnalysed() {
    assertThatThrownBy(() -> unit.combine(COR, List.of(result(stats(new double[][] {{1, 2}})))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedSiteCoMomentsAreProblemsNotExceptions() {
    CorrelationStats.Builder ok = stats(new double[][] {{1, 2}, {2, 1}, {3, 5}});
    assertThat(unit.problem(COR, Optional.empty(), result(ok))).isEmpty();
    assertThat(unit.problem(COR, Optional.empty(), result(ok.clone().setVariables(1, "z")))).get().asString()
        .contains("other variables");
    assertThat(unit.problem(COR, Optional.empty(), result(ok.clone().addComoment(1)))).get().asString()
        .contains("not 2×2");
    assertThat(unit.problem(COR, Optional.empty(), result(ok.clone().clearMean()))).get().asString()
        .contains("not 2");
    assertThat(unit.problem(COR, Optional.empty(), result(ok.clone().setMean(0, Double.NaN)))).get().asString()
        .contains("not finite");
    assertThat(unit.problem(COR, Optional.empty(), result(ok.clone().setN(-1)))).get().asString()
        .contains("negative count");
    assertThat(unit.problem(COR, Optional.empty(), result(ok.clone().setComoment(0, -4)))).get().asString()
        .contains("cannot be");
    assertThat(unit.problem(COR, Optional.empty(), result(ok.clone().setComoment(1, 1e6)))).get().asString()
        .contains("symmetric");
    assertThat(unit.problem(COR, Optional.empty(),
        AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(3)).build()))
        .contains("a count result was sent for a correlation request");
  }
}
