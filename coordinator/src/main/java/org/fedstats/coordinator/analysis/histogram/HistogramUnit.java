package org.fedstats.coordinator.analysis.histogram;

import java.util.List;
import java.util.Optional;
import org.fedstats.coordinator.analysis.CoordinatorAnalysis;
import org.fedstats.coordinator.analysis.Counts;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.HistogramResult;

/** Counts of a numeric variable in the requested bins: the sites' counts add bin by bin. */
public final class HistogramUnit extends CoordinatorAnalysis {
  public HistogramUnit() {
    super(Analysis.KindCase.HISTOGRAM, AnalysisResult.KindCase.HISTOGRAM);
  }

  /** The requested breaks, one count per bin, no negative count. */
  @Override
  protected Optional<String> checkSite(Analysis requested, Optional<DatasetInfo> declared, AnalysisResult site) {
    List<Double> breaks = requested.getHistogram().getBreaksList();
    HistogramResult h = site.getHistogram();
    if (!h.getBreaksList().equals(breaks)) {
      return Optional.of("a histogram with other breaks than requested");
    }
    if (h.getCountsCount() != Math.max(0, h.getBreaksCount() - 1)) {
      return Optional.of("a histogram with " + h.getCountsCount() + " bins for " + h.getBreaksCount() + " breaks");
    }
    if (h.getCountsList().stream().anyMatch(c -> c < 0) || h.getBelow() < 0 || h.getAbove() < 0
        || h.getMissing() < 0) {
      return Optional.of("a histogram with a negative count");
    }
    return Optional.empty();
  }

  /** The bins add; sites with other breaks than the first cannot be pooled with it. */
  @Override
  public AnalysisResult combine(Analysis requested, List<AnalysisResult> sites) {
    HistogramResult first = sites.getFirst().getHistogram();
    long[] counts = new long[first.getCountsCount()];
    long below = 0;
    long above = 0;
    long missing = 0;
    for (HistogramResult h : sites.stream().map(AnalysisResult::getHistogram).toList()) {
      if (!h.getBreaksList().equals(first.getBreaksList())) {
        throw new IllegalArgumentException("sites binned with different breaks");
      }
      if (h.getCountsCount() != counts.length) {
        throw new IllegalArgumentException("sites binned into different numbers of bins");
      }
      for (int i = 0; i < counts.length; i++) {
        counts[i] = Counts.add(counts[i], h.getCounts(i));
      }
      below = Counts.add(below, h.getBelow());
      above = Counts.add(above, h.getAbove());
      missing = Counts.add(missing, h.getMissing());
    }
    HistogramResult.Builder b = HistogramResult.newBuilder().addAllBreaks(first.getBreaksList())
        .setBelow(below).setAbove(above).setMissing(missing);
    for (long c : counts) {
      b.addCounts(c);
    }
    return AnalysisResult.newBuilder().setHistogram(b).build();
  }
}
