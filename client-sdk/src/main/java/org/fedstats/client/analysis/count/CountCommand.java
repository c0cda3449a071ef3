package org.fedstats.client.analysis.count;

import org.fedstats.client.analysis.AnalysisCommand;
import org.fedstats.client.analysis.AnalysisSpec;
import picocli.CommandLine.Command;

/** {@code fedstats count <dataset>}. */
@Command(name = "count", description = "Number of records in the cohort, pooled over the sites.")
public final class CountCommand extends AnalysisCommand {
  @Override
  public String title() {
    return "count of " + options().dataset();
  }

  @Override
  public AnalysisSpec<?> spec() {
    return CountUnit.spec();
  }
}
