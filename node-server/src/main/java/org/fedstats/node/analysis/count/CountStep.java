package org.fedstats.node.analysis.count;

import org.fedstats.node.analysis.LocalAnalysis;
import org.fedstats.node.analysis.LocalData;
import org.fedstats.node.analysis.Release;
import org.fedstats.node.dataset.DatasetSchema;
import org.fedstats.node.disclosure.DisclosurePolicy;
import org.fedstats.proto.v1.Analysis;
import org.fedstats.proto.v1.AnalysisResult;
import org.fedstats.proto.v1.CountResult;

/** Count, node side: the cohort's size, which the gate has already checked against the cohort rules. */
public final class CountStep implements LocalAnalysis<Void> {
  @Override
  public String id() {
    return "count";
  }

  @Override
  public Analysis.KindCase kind() {
    return Analysis.KindCase.COUNT;
  }

  @Override
  public Void validate(Analysis request, DatasetSchema schema, DisclosurePolicy policy) {
    return null;
  }

  @Override
  public Release compute(Void params, LocalData data) {
    return Release.of(AnalysisResult.newBuilder().setCount(CountResult.newBuilder().setCount(data.cohortSize()))
        .build());
  }
}
