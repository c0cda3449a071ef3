package org.fedstats.node.analysis.meta;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.fedstats.node.analysis.LocalAnalysis;
import org.fedstats.node.analysis.LocalData;
import org.fedstats.node.analysis.Release;
import org.fedstats.node.analysis.glm.GlmStep;
import org.fedstats.node.analysis.model.ModelSpec;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.disclosure.DisclosurePolicy;
import org.fedstats.node.disclosure.Released;
import org.fedstats.node.error.RequestException;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.Coefficient;
import org.fedstats.proto.v1.GlmAnalysis;
import org.fedstats.proto.v1.ModelFit;
import org.fedstats.stats.glm.Family;
import org.fedstats.stats.glm.GlmFit;
import org.fedstats.stats.glm.GlmRow;
import org.fedstats.stats.glm.PooledGlm;

/**
 * Study-level meta-analysis, node side: the site fits the model on its own complete cases (IRLS to convergence,
 * as R's glm) and returns its estimates and standard errors; the coordinator pools them. One round. Releases the
 * same as a pooled model's round: the model's size at this site and the records in each level of its terms.
 */
public final class MetaStep implements LocalAnalysis<MetaStep.Params> {
  public record Params(ModelSpec spec, Family family, String formula) {}

  @Override
  public String id() {
    return "meta";
  }

  @Override
  public Analysis.KindCase kind() {
    return Analysis.KindCase.META;
  }

  @Override
  public Params validate(Analysis request, DatasetSchema schema, DisclosurePolicy policy) {
    GlmAnalysis model = request.getMeta().getModel();
    if (model.getCoefficientsCount() > 0 || model.getNullModel() || model.hasNullMean()) {
      throw RequestException.invalid("a meta-analysis fits each site's model from its own data; it takes no "
          + "coefficients");
    }
    ModelSpec spec = ModelSpec.of(model.getFormula(), model.getWeights(), model.getOffset(), schema);
    return new Params(spec, GlmStep.family(model.getFamily()), model.getFormula());
  }

  @Override
  public Release compute(Params p, LocalData data) throws SQLException {
    List<GlmRow> rows = new ArrayList<>();
    List<Released> released = p.spec().read(data, GlmStep.checkedResponse(p.family(), p.spec(),
        (x, y, w, offset) -> rows.add(new GlmRow(x, y, w, offset))));
    GlmFit fit;
    try {
      fit = PooledGlm.fit(p.family(), p.spec().design().columns(), rows);
    } catch (IllegalArgumentException | IllegalStateException e) {
      // An aliased column or a fit that cannot start says nothing about a record's value; the message is the
      // library's, about columns.
      throw RequestException.invalid("the model cannot be fitted at this site: " + e.getMessage());
    }
    ModelFit.Builder b = ModelFit.newBuilder().setFormula(p.formula())
        .setFamily(p.family().name().toLowerCase(java.util.Locale.ROOT))
        .setStatisticName(p.family().dispersionFixed() ? "z" : "t")
        .setN(fit.n()).setDfResidual(fit.dfResidual()).setDfNull(fit.dfNull()).setDeviance(fit.deviance())
        .setNullDeviance(fit.nullDeviance()).setAic(fit.aic()).setIterations(fit.iterations())
        .setConverged(fit.converged());
    for (int i = 0; i < fit.columns().size(); i++) {
      b.addCoefficients(Coefficient.newBuilder().setTerm(fit.columns().get(i)).setEstimate(fit.estimates().get(i))
          .setStdError(fit.stdErrors().get(i)).setStatistic(fit.statistics().get(i)).setPValue(fit.pValues().get(i)));
    }
    return new Release(AnalysisResult.newBuilder().setModelFit(b).build(), released,
        List.of(p.spec().estimationSample(data)));
  }
}
