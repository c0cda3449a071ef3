package org.fedstats.client.analysis.correlation;

import java.util.List;
import org.fedstats.client.analysis.AnalysisCommand;
import org.fedstats.client.analysis.AnalysisSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fedstats correlation <dataset> <variable> <variable>...}. */
@Command(name = "correlation", description = "Pearson correlation matrix of numeric variables, with p-values.",
    footer = {"%nExample:", "  fedstats correlation colon age time nodes"})
public final class CorrelationCommand extends AnalysisCommand {
  @Parameters(index = "1..*", arity = "2..*", paramLabel = "<variable>",
      description = "Two or more numeric variables.")
  List<String> variables;

  @Override
  public String title() {
    return "correlation of " + options().dataset() + "." + String.join(", ", variables);
  }

  @Override
  public AnalysisSpec<?> spec() {
    return CorrelationUnit.spec(variables);
  }
}
