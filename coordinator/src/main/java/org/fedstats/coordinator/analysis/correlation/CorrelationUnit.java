package org.fedstats.coordinator.analysis.correlation;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.fedstats.coordinator.analysis.CoordinatorAnalysis;
import org.fedstats.coordinator.analysis.RoundDriver;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CorrelationResult;
import org.fedstats.proto.v1.CorrelationStats;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.stats.correlation.CoMoments;
import org.fedstats.stats.correlation.Correlation;

/**
 * Covariance and Pearson correlation matrices with {@code cor.test}'s t test for each pair, as R's {@code cov},
 * {@code cor} and {@code cor.test} over the complete cases, in one round: the sites' n, means and co-moments pool
 * exactly (Chan's parallel formula), and the pooled co-moments come with the result.
 */
public final class CorrelationUnit extends CoordinatorAnalysis {
  public CorrelationUnit() {
    super(Analysis.KindCase.CORRELATION, AnalysisResult.KindCase.CORRELATION_STATS);
  }

  @Override
  public RoundDriver driver(Analysis requested) {
    if (requested.getCorrelation().getVariablesCount() < 2) {
      throw new IllegalArgumentException("a correlation needs at least two variables");
    }
    return super.driver(requested);
  }

  @Override
  protected Optional<String> checkSite(Analysis requested, Optional<DatasetInfo> declared, AnalysisResult site) {
    CorrelationStats s = site.getCorrelationStats();
    if (!s.getVariablesList().equals(requested.getCorrelation().getVariablesList())) {
      return Optional.of("co-moments of other variables than requested");
    }
    int k = s.getVariablesCount();
    if (s.getMeanCount() != k || s.getComomentCount() != k * k) {
      return Optional.of("co-moments whose means are not " + k + " or whose matrix is not " + k + "×" + k);
    }
    if (s.getN() < 0) {
      return Optional.of("co-moments with a negative count");
    }
    if (!s.getMeanList().stream().allMatch(Double::isFinite)
        || !s.getComomentList().stream().allMatch(Double::isFinite)) {
      return Optional.of("co-moments with a number that is not finite");
    }
    try {
      coMoments(s);
    } catch (IllegalArgumentException e) {
      return Optional.of("co-moments that cannot be: " + e.getMessage());
    }
    return Optional.empty();
  }

  @Override
  public AnalysisResult combine(Analysis requested, List<AnalysisResult> sites) {
    List<CoMoments> each = new ArrayList<>();
    for (AnalysisResult r : sites) {
      CorrelationStats s = r.getCorrelationStats();
      if (!s.getVariablesList().equals(sites.getFirst().getCorrelationStats().getVariablesList())) {
        throw new IllegalArgumentException("the sites' co-moments are of different variables");
      }
      each.add(coMoments(s));
    }
    CoMoments pooled = CoMoments.pool(each);
    org.fedstats.stats.correlation.CorrelationResult c = Correlation.analyse(pooled);
    int k = pooled.dimension();
    CorrelationStats.Builder stats = CorrelationStats.newBuilder().setN(pooled.n())
        .addAllVariables(pooled.variables());
    CorrelationResult.Builder b = CorrelationResult.newBuilder();
    double[] mean = pooled.mean();
    double[][] m = pooled.comoments();
    double[][] cov = c.covariance();
    double[][] cor = c.correlation();
    for (int i = 0; i < k; i++) {
      stats.addMean(mean[i]);
      for (int j = 0; j < k; j++) {
        stats.addComoment(m[i][j]);
        b.addCovariance(cov[i][j]).addCorrelation(cor[i][j]).addPValue(i == j ? Double.NaN
            : c.test(pooled.variables().get(i), pooled.variables().get(j)).pValue());
      }
    }
    return AnalysisResult.newBuilder().setCorrelation(b.setPooled(stats)).build();
  }

  /** A site's co-moments as the statistics take them; throws {@link IllegalArgumentException} for a malformed one. */
  static CoMoments coMoments(CorrelationStats s) {
    int k = s.getVariablesCount();
    if (s.getMeanCount() != k || s.getComomentCount() != k * k) {
      throw new IllegalArgumentException("means or co-moments of the wrong size");
    }
    double[] mean = new double[k];
    double[][] m = new double[k][k];
    for (int i = 0; i < k; i++) {
      mean[i] = s.getMean(i);
      for (int j = 0; j < k; j++) {
        m[i][j] = s.getComoment(i * k + j);
      }
    }
    return new CoMoments(s.getVariablesList(), s.getN(), mean, m);
  }
}
