package org.fedstats.client.analysis.glm;

import java.util.Objects;
import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.ModelFitView;
import org.fedstats.client.analysis.ModelFits;
import org.fedstats.client.analysis.Family;
import org.fedstats.client.analysis.Unit;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.GlmAnalysis;

/** Generalised linear models, fitted by the coordinator over several IRLS rounds. */
public final class GlmUnit {
  public static final Unit<ModelFitView> UNIT = new Unit<>("glm", Analysis.KindCase.GLM, ModelFits.GENERALISED,
      GlmCommand.class, true);

  private GlmUnit() {}

  /** A GLM of {@code formula} (passed verbatim; the nodes read and check it). */
  public static AnalysisSpec<ModelFitView> spec(String formula, Family family) {
    return spec(formula, family, null, null);
  }

  /**
   * A GLM with prior weights and an offset, each a declared numeric variable or null for none.
   */
  public static AnalysisSpec<ModelFitView> spec(String formula, Family family, String weights, String offset) {
    Objects.requireNonNull(formula, "formula");
    Objects.requireNonNull(family, "family");
    return UNIT.spec(Analysis.newBuilder().setGlm(request(formula, family, weights, offset)).build());
  }

  /** The request message: what a researcher chooses, never the coordinator's round state. */
  public static GlmAnalysis request(String formula, Family family, String weights, String offset) {
    return GlmAnalysis.newBuilder().setFormula(formula).setFamily(family.proto())
        .setWeights(weights == null ? "" : weights).setOffset(offset == null ? "" : offset).build();
  }
}
