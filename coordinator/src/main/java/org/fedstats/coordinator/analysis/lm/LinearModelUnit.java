package org.fedstats.coordinator.analysis.lm;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.fedstats.coordinator.analysis.CoordinatorAnalysis;
import org.fedstats.coordinator.analysis.RoundDriver;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.Coefficient;
import org.fedstats.proto.v1.DatasetInfo;
import org.fedstats.proto.v1.LinearModelStats;
import org.fedstats.proto.v1.ModelFit;
import org.fedstats.stats.lm.LinearModel;
import org.fedstats.stats.lm.LmFit;
import org.fedstats.stats.lm.LmStats;

/**
 * Linear regression by least squares, as R's {@code summary(lm(...))}, in one round: the sites' X'X, X'y, y'y, Σy
 * and n add exactly, and the pooled normal equations give the coefficients with their t tests, σ, R², adjusted R²
 * and the F test. Every site must have the same design columns (R's names, in the same order).
 */
public final class LinearModelUnit extends CoordinatorAnalysis {
  public LinearModelUnit() {
    super(Analysis.KindCase.LM, AnalysisResult.KindCase.LM_STATS);
  }

  @Override
  public RoundDriver driver(Analysis requested) {
    if (requested.getLm().getFormula().isBlank()) {
      throw new IllegalArgumentException("a linear model needs a formula");
    }
    return super.driver(requested);
  }

  @Override
  protected Optional<String> checkSite(Analysis requested, Optional<DatasetInfo> declared, AnalysisResult site) {
    LinearModelStats s = site.getLmStats();
    int p = s.getColumnsCount();
    if (p == 0) {
      return Optional.of("linear model statistics without columns");
    }
    if (new HashSet<>(s.getColumnsList()).size() != p) {
      return Optional.of("linear model statistics naming a column twice");
    }
    if (s.getXtyCount() != p || s.getXtxCount() != p * p) {
      return Optional.of("linear model statistics whose X'X is not " + p + "×" + p + " or X'y not of length " + p);
    }
    if (s.getN() < 0) {
      return Optional.of("linear model statistics with a negative count");
    }
    if (!s.getXtxList().stream().allMatch(Double::isFinite) || !s.getXtyList().stream().allMatch(Double::isFinite)
        || !Double.isFinite(s.getYty()) || !Double.isFinite(s.getSumY())) {
      return Optional.of("linear model statistics with a number that is not finite");
    }
    if (s.getYty() < 0) {
      return Optional.of("linear model statistics with a negative y'y");
    }
    return Optional.empty();
  }

  @Override
  public AnalysisResult combine(Analysis requested, List<AnalysisResult> sites) {
    List<String> columns = sites.getFirst().getLmStats().getColumnsList();
    LmStats pooled = null;
    for (AnalysisResult r : sites) {
      LinearModelStats s = r.getLmStats();
      if (!s.getColumnsList().equals(columns)) {
        throw new IllegalArgumentException("the sites' designs have different columns (" + columns + " and "
            + s.getColumnsList() + ")");
      }
      if (s.getXtxCount() != columns.size() * columns.size() || s.getXtyCount() != columns.size()) {
        throw new IllegalArgumentException("a site's X'X or X'y does not fit its " + columns.size() + " columns");
      }
      LmStats local = new LmStats(s.getN(), array(s.getXtxList()), array(s.getXtyList()), s.getYty(), s.getSumY());
      pooled = pooled == null ? local : pooled.plus(local);
    }
    LmFit fit = LinearModel.fit(columns, pooled);
    return AnalysisResult.newBuilder().setModelFit(modelFit(requested.getLm().getFormula(), fit)).build();
  }

  private static double[] array(List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** The pooled model: deviance is the residual sum of squares, as R's {@code deviance(lm)}. */
  static ModelFit modelFit(String formula, LmFit fit) {
    ModelFit.Builder b = ModelFit.newBuilder().setFormula(formula).setFamily("gaussian (lm)").setStatisticName("t")
        .setN(fit.n()).setDfResidual(fit.dfResidual()).setDfNull(fit.dfResidual() + fit.fNumeratorDf())
        .setDeviance(fit.rss()).setSigma(fit.sigma())
        .setRSquared(fit.rSquared()).setAdjRSquared(fit.adjRSquared()).setFStatistic(fit.fStatistic())
        .setFPValue(fit.fPValue()).setConverged(true);
    for (int i = 0; i < fit.columns().size(); i++) {
      b.addCoefficients(Coefficient.newBuilder().setTerm(fit.columns().get(i)).setEstimate(fit.estimates().get(i))
          .setStdError(fit.stdErrors().get(i)).setStatistic(fit.tValues().get(i)).setPValue(fit.pValues().get(i)));
    }
    return b.build();
  }
}
