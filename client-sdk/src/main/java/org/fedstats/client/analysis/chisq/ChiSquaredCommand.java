package org.fedstats.client.analysis.chisq;

import org.fedstats.client.analysis.AnalysisCommand;
import org.fedstats.client.analysis.AnalysisSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fedstats chisq <dataset> <row> <column>}. */
@Command(name = "chisq", description = "Pearson's chi-squared test of independence of two categorical variables.",
    footer = {"%nExample:", "  fedstats chisq colon rx status"})
public final class ChiSquaredCommand extends AnalysisCommand {
  @Parameters(index = "1", description = "Row variable.")
  String row;

  @Parameters(index = "2", description = "Column variable.")
  String column;

  @Override
  public String title() {
    return "chi-squared test of " + options().dataset() + "." + row + " by " + column;
  }

  @Override
  public AnalysisSpec<?> spec() {
    return ChiSquaredUnit.spec(row, column);
  }
}
