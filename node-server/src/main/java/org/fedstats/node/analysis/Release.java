package org.fedstats.node.analysis;

import java.util.List;
import java.util.Objects;
import org.fedstats.node.disclosure.Released;
import org.fedstats.proto.v1.AnalysisResult;

/**
 * A site's result and what it releases, for the disclosure gate to check before it leaves the node: the counts it
 * releases ({@code released}) and the records behind them ({@code recordSets}; the gate adds the cohort itself).
 */
public record Release(AnalysisResult result, List<Released> released, List<RecordSets> recordSets) {
  public Release {
    Objects.requireNonNull(result, "result");
    released = List.copyOf(released);
    recordSets = List.copyOf(recordSets);
  }

  /** A release whose only records are the cohort's, which the gate knows. */
  public static Release of(AnalysisResult result, Released... released) {
    return new Release(result, List.of(released), List.of());
  }
}
