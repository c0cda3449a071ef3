package org.fedstats.client.analysis.histogram;

import java.util.List;
import org.fedstats.client.analysis.AnalysisCommand;
import org.fedstats.client.analysis.AnalysisSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code fedstats histogram <dataset> <variable> --breaks b0,b1,...}. */
@Command(name = "histogram", description = "Counts of a numeric variable in bins [b0, b1), ..., [bk-1, bk].")
public final class HistogramCommand extends AnalysisCommand {
  @Parameters(index = "1", description = "Numeric or integer variable.")
  String variable;

  @Option(names = {"-b", "--breaks"}, split = ",", required = true,
      description = "Bin breaks, increasing, comma-separated: 20,40,60,80.")
  List<Double> breaks;

  @Override
  public String title() {
    return "histogram of " + options().dataset() + "." + variable;
  }

  @Override
  public AnalysisSpec<?> spec() {
    return HistogramUnit.spec(variable, breaks);
  }
}
