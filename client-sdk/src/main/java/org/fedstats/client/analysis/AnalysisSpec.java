package org.fedstats.client.analysis;

import java.util.Objects;
import org.fedstats.proto.v1.Analysis;

/** An analysis ready to run, with the view that decodes its results: what {@code Query.run} takes. */
public record AnalysisSpec<T>(Analysis analysis, View<T> view) {
  public AnalysisSpec {
    Objects.requireNonNull(analysis, "analysis");
    Objects.requireNonNull(view, "view");
  }
}
