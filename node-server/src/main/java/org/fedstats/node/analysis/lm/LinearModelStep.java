package org.fedstats.node.analysis.lm;

import java.sql.SQLException;
import java.util.List;
import org.fedstats.node.analysis.LocalAnalysis;
import org.fedstats.node.analysis.LocalData;
import org.fedstats.node.analysis.Release;
import org.fedstats.node.analysis.model.ModelSpec;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.disclosure.DisclosurePolicy;
import org.fedstats.node.disclosure.Released;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.LinearModelStats;
import org.fedstats.stats.lm.LmStats;

/**
 * Linear regression, node side: X'X, X'y, y'y, Σy and n over the cohort's complete cases, from which the
 * coordinator solves the pooled least-squares fit exactly. One round. Releases the model's size (parameters per
 * record, residual degrees of freedom) and the records in each level of its categorical terms.
 */
public final class LinearModelStep implements LocalAnalysis<ModelSpec> {
  @Override
  public String id() {
    return "lm";
  }

  @Override
  public Analysis.KindCase kind() {
    return Analysis.KindCase.LM;
  }

  @Override
  public ModelSpec validate(Analysis request, DatasetSchema schema, DisclosurePolicy policy) {
    return ModelSpec.of(request.getLm().getFormula(), "", "", schema);
  }

  @Override
  public Release compute(ModelSpec spec, LocalData data) throws SQLException {
    LmStats.Accumulator acc = new LmStats.Accumulator(spec.parameters());
    List<Released> released = spec.read(data, (x, y, w, offset) -> acc.add(x, y));
    LmStats s = acc.result();
    LinearModelStats.Builder b = LinearModelStats.newBuilder().setN(s.n())
        .addAllColumns(spec.design().columns()).setYty(s.yty()).setSumY(s.sumY());
    for (double v : s.xtx()) {
      b.addXtx(v);
    }
    for (double v : s.xty()) {
      b.addXty(v);
    }
    return new Release(AnalysisResult.newBuilder().setLmStats(b).build(), released,
        List.of(spec.estimationSample(data)));
  }
}
