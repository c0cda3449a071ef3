package org.fedstats.client.analysis.lm;

import java.util.Objects;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.ModelFitView;
import org.fedstats.client.analysis.ModelFits;
import org.fedstats.client.analysis.Unit;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.LinearModelAnalysis;

/** Linear regression by least squares, pooled from the sites' X'X, X'y and y'y in one round. */
public final class LmUnit {
  public static final Unit<ModelFitView> UNIT = new Unit<>("lm", Analysis.KindCase.LM, ModelFits.LINEAR,
      LmCommand.class, false);

  private LmUnit() {}

  /** A linear model of {@code formula} (passed verbatim; the nodes read and check it). */
  public static AnalysisSpec<ModelFitView> spec(String formula) {
    Objects.requireNonNull(formula, "formula");
    return UNIT.spec(Analysis.newBuilder().setLm(LinearModelAnalysis.newBuilder().setFormula(formula)).build());
  }
}
