package org.fedstats.client.analysis.summary;

import org.fedstats.client.analysis.AnalysisCommand;
import org.fedstats.client.analysis.AnalysisSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fedstats summary <dataset> <variable>}. */
@Command(name = "summary", description = "n, missing, mean and variance of a numeric variable, pooled exactly.")
public final class SummaryCommand extends AnalysisCommand {
  @Parameters(index = "1", description = "Numeric or integer variable.")
  String variable;

  @Override
  public String title() {
    return "summary of " + options().dataset() + "." + variable;
  }

  @Override
  public AnalysisSpec<?> spec() {
    return SummaryUnit.spec(variable);
  }
}
