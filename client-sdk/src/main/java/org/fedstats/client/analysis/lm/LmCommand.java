package org.fedstats.client.analysis.lm;

import org.fedstats.client.analysis.AnalysisSpec;
import org.fedstats.client.analysis.ModelCommand;
import picocli.CommandLine.Command;

/** {@code fedstats lm <dataset> "<formula>"}. */
@Command(name = "lm", description = "Linear regression by least squares, pooled exactly in one round.",
    footer = {"%nExample:", "  fedstats lm colon \"time ~ age + sex + nodes + rx\""})
public final class LmCommand extends ModelCommand {
  @Override
  public String title() {
    return "lm of " + options().dataset() + ": " + formula();
  }

  @Override
  public AnalysisSpec<?> spec() {
    return LmUnit.spec(formula());
  }
}
