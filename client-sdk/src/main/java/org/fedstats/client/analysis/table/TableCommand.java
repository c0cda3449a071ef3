package org.fedstats.client.analysis.table;

import org.fedstats.client.analysis.AnalysisCommand;
import org.fedstats.client.analysis.AnalysisSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fedstats table <dataset> <row> [<column>]}. */
@Command(name = "table", description = "One- or two-way frequency table of categorical variables.")
public final class TableCommand extends AnalysisCommand {
  @Parameters(index = "1", description = "Row variable.")
  String row;

  @Parameters(index = "2", arity = "0..1", description = "Column variable (optional).")
  String column;

  @Override
  public String title() {
    return "table of " + options().dataset() + "." + row + (column == null ? "" : " by " + column);
  }

  @Override
  public AnalysisSpec<?> spec() {
    return TableUnit.spec(row, column);
  }
}
