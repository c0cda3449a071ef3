package org.fedstats.coordinator.analysis.summary;

import java.util.List;
import java.util.Optional;
import org.fedstats.coordinator.analysis.CoordinatorAnalysis;
import org.fedstats.coordinator.analysis.Counts;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.SummaryResult;

/** n, missing, mean and variance of a variable: n and missing add; means and variances combine as {@link Moments}. */
public final class SummaryUnit extends CoordinatorAnalysis {
  public SummaryUnit() {
    super(Analysis.KindCase.SUMMARY, AnalysisResult.KindCase.SUMMARY);
  }

  @Override
  protected Optional<String> checkSite(Analysis requested, Optional<DatasetInfo> declared, AnalysisResult site) {
    SummaryResult s = site.getSummary();
    if (s.getN() < 0 || s.getMissing() < 0) {
      return Optional.of("a summary with a negative n or missing count");
    }
    if (s.getN() > 0 && (!Double.isFinite(s.getMean()) || !Double.isFinite(s.getM2()) || s.getM2() < 0)) {
      return Optional.of("a summary whose mean or sum of squares is not a finite number (or is negative)");
    }
    return Optional.empty();
  }

  @Override
  public AnalysisResult combine(Analysis requested, List<AnalysisResult> sites) {
    Moments pooled = Moments.EMPTY;
    long missing = 0;
    for (AnalysisResult site : sites) {
      SummaryResult s = site.getSummary();
      pooled = pooled.combine(new Moments(s.getN(), s.getMean(), s.getM2()));
      missing = Counts.add(missing, s.getMissing());
    }
    return AnalysisResult.newBuilder().setSummary(SummaryResult.newBuilder().setN(pooled.n()).setMissing(missing)
        .setMean(pooled.mean()).setM2(pooled.m2()).setVariance(pooled.variance())).build();
  }
}
