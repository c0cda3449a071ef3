package org.fedstats.client.analysis.lm;

import org.fedstats.client.analysis.AnalysisCommand;
import org.fedstats.client.analysis.AnalysisSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code fedstats lm <dataset> "<formula>"}. */
@Command(name = "lm", description = "Linear regression by least squares, pooled exactly in one round.",
    footer = {"%nExample:", "  fedstats lm colon \"time ~ age + sex + nodes + rx\""})
public final class LmCommand extends AnalysisCommand {
  @Parameters(index = "1", paramLabel = "<formula>",
      description = {"Model formula, quoted: \"time ~ age + rx\"; \"a:b\" is an interaction, \"a*b\" is "
          + "\"a + b + a:b\"."})
  String formula;

  @Override
  public String title() {
    return "lm of " + options().dataset() + ": " + formula;
  }

  @Override
  public AnalysisSpec<?> spec() {
    return LmUnit.spec(formula);
  }
}
