package org.fedstats.coordinator.analysis.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.fedstats.coordinator.analysis.CoordinatorAnalysis;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.DatasetInfo;
import org.junit.jupiter.api.Test;

class AnalysesTest {
  @Test
  void everyBuiltInAnalysisHasOneUnitOfItsKind() {
    for (Analysis.KindCase kind : List.of(Analysis.KindCase.COUNT, Analysis.KindCase.SUMMARY,
        Analysis.KindCase.TABLE, Analysis.KindCase.HISTOGRAM, Analysis.KindCase.GLM, Analysis.KindCase.LM,
        Analysis.KindCase.CHISQ, Analysis.KindCase.CORRELATION,
        Analysis.KindCase.META)) {
      assertThat(Analyses.builtIn().of(kind)).hasValueSatisfying(u -> assertThat(u.kind()).isEqualTo(kind));
    }
    assertThat(Analyses.builtIn().without(Analysis.KindCase.GLM).of(Analysis.KindCase.GLM)).isEmpty();
    assertThat(Analyses.builtIn().names()).isEqualTo("count, summary, table, histogram, lm, glm, correlation, chisq, meta");
  }

  @Test
  void aUnitCanBeAddedOrReplacedWithoutChangingTheBuiltInOnes() {
    CoordinatorAnalysis other = new CoordinatorAnalysis(Analysis.KindCase.COUNT, AnalysisResult.KindCase.COUNT) {
      @Override
      protected Optional<String> checkSite(Analysis requested, Optional<DatasetInfo> declared, AnalysisResult site) {
        return Optional.of("never");
      }

      @Override
      public AnalysisResult combine(Analysis requested, List<AnalysisResult> sites) {
        return sites.getFirst();
      }
    };
    Analyses replaced = Analyses.builtIn().with(other);
    assertThat(replaced.of(Analysis.KindCase.COUNT)).containsSame(other);
    assertThat(Analyses.builtIn().of(Analysis.KindCase.COUNT).orElseThrow()).isNotSameAs(other);
    assertThat(replaced.names()).isEqualTo("count, summary, table, histogram, lm, glm, correlation, chisq, meta");
  }
}
