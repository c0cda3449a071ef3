package org.fedstats.coordinator.analysis.count;

import java.util.List;
import java.util.Optional;
import org.fedstats.coordinator.analysis.CoordinatorAnalysis;
import org.fedstats.coordinator.analysis.Counts;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountResult;
import org.fedstats.proto.v1.DatasetInfo;

/** The number of records in the cohort: the sites' counts add. */
public final class CountUnit extends CoordinatorAnalysis {
  public CountUnit() {
    super(Analysis.KindCase.COUNT, AnalysisResult.KindCase.COUNT);
  }

  @Override
  protected Optional<String> checkSite(Analysis requested, Optional<DatasetInfo> declared, AnalysisResult site) {
    return site.getCount().getCount() < 0 ? Optional.of("a negative count") : Optional.empty();
  }

  @Override
  public AnalysisResult combine(Analysis requested, List<AnalysisResult> sites) {
    long total = sites.stream().mapToLong(r -> r.getCount().getCount()).reduce(0, Counts::add);
    return AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(total)).build();
  }
}
